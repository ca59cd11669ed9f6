package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class PostgresSecondFactorIT extends SecondFactorScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
