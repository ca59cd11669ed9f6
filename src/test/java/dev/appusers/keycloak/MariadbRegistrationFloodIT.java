package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class MariadbRegistrationFloodIT extends RegistrationFloodScenarios {
    @Override
    AppDb db() {
        return AppDb.MARIADB;
    }
}
