package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class MariadbUnknownUserTimingIT extends UnknownUserTimingScenarios {
    @Override
    AppDb db() {
        return AppDb.MARIADB;
    }
}
