package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class PostgresMigrationIT extends MigrationScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
