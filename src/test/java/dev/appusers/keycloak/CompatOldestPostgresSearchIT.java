package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.OnKeycloak;

@OnKeycloak(line = OnKeycloak.Line.OLDEST)
class CompatOldestPostgresSearchIT extends SearchScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
