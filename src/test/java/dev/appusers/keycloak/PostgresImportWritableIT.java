package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class PostgresImportWritableIT extends ImportWritableScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
