package dev.appusers.keycloak;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.OnKeycloak;

/** Import mode on the previous line (26.5): the sync writes new users as that line's JPA entities. */
@OnKeycloak(line = OnKeycloak.Line.PREVIOUS)
class CompatPreviousPostgresImportIT extends ImportScenarios {
    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }
}
