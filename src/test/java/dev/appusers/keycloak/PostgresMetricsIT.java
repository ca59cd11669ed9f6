package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class PostgresMetricsIT extends MetricsScenarios {

    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
