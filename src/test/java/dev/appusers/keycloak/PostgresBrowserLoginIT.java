package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;

class PostgresBrowserLoginIT extends BrowserLoginScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
