package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class PostgresLoginIT extends LoginScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
