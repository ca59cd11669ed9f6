package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class PostgresRobustnessIT extends RobustnessScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
