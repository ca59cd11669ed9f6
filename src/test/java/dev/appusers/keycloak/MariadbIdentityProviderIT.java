package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class MariadbIdentityProviderIT extends IdentityProviderScenarios {
    @Override
    AppDb db() {
        return AppDb.MARIADB;
    }
}
