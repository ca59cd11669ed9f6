package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class MariadbImportIT extends ImportScenarios {
    @Override
    AppDb db() {
        return AppDb.MARIADB;
    }
}
