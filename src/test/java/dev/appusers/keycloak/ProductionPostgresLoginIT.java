package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.OnKeycloak;

@OnKeycloak(production = true, cachePolicy = OnKeycloak.DEFAULT)
class ProductionPostgresLoginIT extends LoginScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
