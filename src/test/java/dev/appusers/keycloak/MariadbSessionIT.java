package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class MariadbSessionIT extends SessionScenarios {
    @Override
    AppDb db() {
        return AppDb.MARIADB;
    }
}
