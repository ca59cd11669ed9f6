package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class MariadbHashSchemeIT extends HashSchemeScenarios {
    @Override
    AppDb db() {
        return AppDb.MARIADB;
    }
}
