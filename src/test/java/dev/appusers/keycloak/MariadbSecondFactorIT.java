package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class MariadbSecondFactorIT extends SecondFactorScenarios {
    @Override
    AppDb db() {
        return AppDb.MARIADB;
    }
}
