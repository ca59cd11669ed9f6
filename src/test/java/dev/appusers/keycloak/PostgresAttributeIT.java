package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class PostgresAttributeIT extends AttributeScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
