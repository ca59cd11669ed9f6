package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.OnKeycloak;

@OnKeycloak(line = OnKeycloak.Line.PREVIOUS)
class CompatPreviousPostgresLoginIT extends LoginScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
