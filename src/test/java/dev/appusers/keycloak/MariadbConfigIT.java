package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class MariadbConfigIT extends ConfigScenarios {
    @Override
    AppDb db() {
        return AppDb.MARIADB;
    }
}
