package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class PostgresUnknownUserTimingIT extends UnknownUserTimingScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
