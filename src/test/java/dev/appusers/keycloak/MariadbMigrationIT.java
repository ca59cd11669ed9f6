package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class MariadbMigrationIT extends MigrationScenarios {
    @Override
    AppDb db() {
        return AppDb.MARIADB;
    }
}
