package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class PostgresHostileHashIT extends HostileHashScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
