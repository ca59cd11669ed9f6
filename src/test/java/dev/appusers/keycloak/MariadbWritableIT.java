package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class MariadbWritableIT extends WritableScenarios {
    @Override
    AppDb db() {
        return AppDb.MARIADB;
    }
}
