package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class MariadbSyncSafetyIT extends SyncSafetyScenarios {
    @Override
    AppDb db() {
        return AppDb.MARIADB;
    }
}
