package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class MariadbImportWritableIT extends ImportWritableScenarios {
    @Override
    AppDb db() {
        return AppDb.MARIADB;
    }
}
