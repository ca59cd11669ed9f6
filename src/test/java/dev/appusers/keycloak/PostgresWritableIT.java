package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class PostgresWritableIT extends WritableScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
