package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.OnKeycloak;

@OnKeycloak(line = OnKeycloak.Line.PREVIOUS)
class CompatPreviousPostgresSearchIT extends SearchScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
