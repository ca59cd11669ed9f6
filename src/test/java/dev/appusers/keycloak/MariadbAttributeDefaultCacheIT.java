package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.OnKeycloak;

@OnKeycloak(cachePolicy = OnKeycloak.DEFAULT)
class MariadbAttributeDefaultCacheIT extends AttributeScenarios {
    @Override
    AppDb db() {
        return AppDb.MARIADB;
    }
}
