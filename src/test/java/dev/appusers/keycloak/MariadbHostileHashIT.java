package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class MariadbHostileHashIT extends HostileHashScenarios {
    @Override
    AppDb db() {
        return AppDb.MARIADB;
    }
}
