package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.OnKeycloak;

@OnKeycloak(line = OnKeycloak.Line.OLDEST)
class CompatOldestPostgresBruteForceIT extends BruteForceScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
