package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class PostgresAdminConsoleIT extends AdminConsoleScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
