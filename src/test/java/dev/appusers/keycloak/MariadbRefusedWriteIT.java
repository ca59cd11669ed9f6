package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class MariadbRefusedWriteIT extends RefusedWriteScenarios {
    @Override
    AppDb db() {
        return AppDb.MARIADB;
    }
}
