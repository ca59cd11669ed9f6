package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class MariadbRoleIT extends RoleScenarios {
    @Override
    AppDb db() {
        return AppDb.MARIADB;
    }
}
