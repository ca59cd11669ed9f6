package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.OnKeycloak;

/** Import mode on the oldest supported line (26.4): the sync writes new users as that line's JPA entities. */
@OnKeycloak(line = OnKeycloak.Line.OLDEST)
class CompatOldestPostgresImportIT extends ImportScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
