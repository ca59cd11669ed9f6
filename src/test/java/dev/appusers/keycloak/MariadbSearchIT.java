package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class MariadbSearchIT extends SearchScenarios {
    @Override
    AppDb db() {
        return AppDb.MARIADB;
    }
}
