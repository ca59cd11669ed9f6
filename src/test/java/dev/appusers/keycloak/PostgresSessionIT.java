package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class PostgresSessionIT extends SessionScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
