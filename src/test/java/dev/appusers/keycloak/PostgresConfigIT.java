package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class PostgresConfigIT extends ConfigScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
