package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class PostgresSearchIT extends SearchScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
