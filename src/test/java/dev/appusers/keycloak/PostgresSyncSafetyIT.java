package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class PostgresSyncSafetyIT extends SyncSafetyScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
