package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.OnKeycloak;

@OnKeycloak(defaults = true, cachePolicy = OnKeycloak.DEFAULT)
class DefaultsPostgresAttributeIT extends AttributeScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
