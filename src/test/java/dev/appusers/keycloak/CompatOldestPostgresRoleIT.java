package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.OnKeycloak;

@OnKeycloak(line = OnKeycloak.Line.OLDEST)
class CompatOldestPostgresRoleIT extends RoleScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
