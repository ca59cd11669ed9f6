package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class MariadbConcurrencyIT extends ConcurrencyScenarios {
    @Override
    AppDb db() {
        return AppDb.MARIADB;
    }
}
