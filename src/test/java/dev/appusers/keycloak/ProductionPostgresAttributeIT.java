package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.OnKeycloak;

@OnKeycloak(production = true, cachePolicy = OnKeycloak.DEFAULT)
class ProductionPostgresAttributeIT extends AttributeScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
