package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class PostgresSelfServiceIT extends SelfServiceScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
