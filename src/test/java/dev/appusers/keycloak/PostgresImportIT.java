package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class PostgresImportIT extends ImportScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
