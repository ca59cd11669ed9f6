package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class PostgresHashSchemeIT extends HashSchemeScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
