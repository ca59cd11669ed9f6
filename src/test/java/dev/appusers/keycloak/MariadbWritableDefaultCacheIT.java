package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.OnKeycloak;

@OnKeycloak(cachePolicy = OnKeycloak.DEFAULT)
class MariadbWritableDefaultCacheIT extends WritableScenarios {
    @Override
    AppDb db() {
        return AppDb.MARIADB;
    }
}
