package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class MariadbChangeFeedIT extends ChangeFeedScenarios {
    @Override
    AppDb db() {
        return AppDb.MARIADB;
    }
}
