package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class MariadbAttributeIT extends AttributeScenarios {
    @Override
    AppDb db() {
        return AppDb.MARIADB;
    }
}
