package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.OnKeycloak;

@OnKeycloak(defaults = true, cachePolicy = OnKeycloak.DEFAULT)
class DefaultsPostgresLoginIT extends LoginScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
