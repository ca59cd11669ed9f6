package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.OnKeycloak;

@OnKeycloak(line = OnKeycloak.Line.PREVIOUS)
class CompatPreviousPostgresBruteForceIT extends BruteForceScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
