package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class MariadbLoginIT extends LoginScenarios {
    @Override
    AppDb db() {
        return AppDb.MARIADB;
    }
}
