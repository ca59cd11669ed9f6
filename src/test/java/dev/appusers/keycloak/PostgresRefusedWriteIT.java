package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class PostgresRefusedWriteIT extends RefusedWriteScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
