package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class MariadbBruteForceIT extends BruteForceScenarios {
    @Override
    AppDb db() {
        return AppDb.MARIADB;
    }
}
