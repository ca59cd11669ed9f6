package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class MariadbSelfServiceIT extends SelfServiceScenarios {
    @Override
    AppDb db() {
        return AppDb.MARIADB;
    }
}
