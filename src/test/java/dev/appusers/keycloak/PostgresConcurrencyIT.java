package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class PostgresConcurrencyIT extends ConcurrencyScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
