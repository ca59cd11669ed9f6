package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class PostgresBruteForceIT extends BruteForceScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
