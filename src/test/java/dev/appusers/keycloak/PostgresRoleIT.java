package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class PostgresRoleIT extends RoleScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
