package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class PostgresIdentityProviderIT extends IdentityProviderScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
