package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.OnKeycloak;

@OnKeycloak(cachePolicy = OnKeycloak.MAX_LIFESPAN)
class MariadbLoginMaxLifespanIT extends LoginScenarios {
    @Override
    AppDb db() {
        return AppDb.MARIADB;
    }
}
