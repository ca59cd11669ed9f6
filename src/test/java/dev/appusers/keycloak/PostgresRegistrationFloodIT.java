package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class PostgresRegistrationFloodIT extends RegistrationFloodScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
