package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class MariadbRobustnessIT extends RobustnessScenarios {
    @Override
    AppDb db() {
        return AppDb.MARIADB;
    }
}
