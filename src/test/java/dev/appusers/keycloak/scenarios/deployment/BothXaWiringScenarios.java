package dev.appusers.keycloak.scenarios.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.KeycloakServer;
import dev.appusers.keycloak.it.LogHygiene;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.On;

/**
 * Keycloak with both datasources XA ({@code transaction-xa-enabled=true}, and the app's MariaDB datasource XA as a
 * named datasource is by default), Keycloak's own database on this machine's PostgreSQL with its default
 * {@code max_prepared_transactions = 0}. Every transaction that writes to the app database then commits in two phases
 * on both, and Keycloak's own PostgreSQL cannot prepare: a WRITABLE component accepted on Save fails its first write
 * ("Could not update user!", "prepared transactions are disabled" in the log: checked by hand on 26.7.5). Save refuses
 * WRITABLE, live and imported, naming the options to set; READ_ONLY saves and signs in.
 */
@On.OwnServer
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BothXaWiringScenarios {

    private static final String OWN_DATABASE = AppDb.database("appusers_bothxa_own_it");
    private static final String APP_DATABASE = AppDb.database("appusers_bothxa_it");

    ItRealm realm;

    @BeforeAll
    void startKeycloak() {
        AppDb.POSTGRES.createEmpty(OWN_DATABASE);
        AppDb.MARIADB.create(APP_DATABASE);
        KeycloakServer server = KeycloakServer.with(AppDb.MARIADB, APP_DATABASE, "--db=postgres",
                "--db-url=" + AppDb.POSTGRES.url(OWN_DATABASE), "--db-username=" + AppDb.POSTGRES.user,
                "--db-password=" + AppDb.POSTGRES.password, "--transaction-xa-enabled=true");
        realm = ItRealm.on(server, AppDb.MARIADB, getClass());
    }

    private Http.Response save(String... config) {
        return realm.admin.createFederation(realm.name, "app-users-" + UUID.randomUUID(), ItRealm.config(config));
    }

    @Test
    void writableIsRefusedOnSaveNamingTheOptionsThatLetItCommit() {
        for (String imported : new String[] {"false", "true"}) {
            Http.Response refused = save("editMode", "WRITABLE", "importEnabled", imported);

            assertThat(refused.status()).as(refused.body()).isIn(OidcClient.REFUSED);
            assertThat(refused.json().path("errorMessage").asText()).as("importEnabled=%s", imported)
                    .contains("both the datasource appdb and Keycloak's own are XA",
                            "max_prepared_transactions = 0", "transaction-xa-enabled=false", "READ_ONLY");
        }
    }

    @Test
    void readOnlySavesAndSignsIn() {
        Http.Response saved = save();

        assertThat(saved.status()).as(saved.body()).isEqualTo(201);
        assertThat(realm.oidc.passwordGrant("alice@example.com", "alice-Secret-1").status()).isEqualTo(200);
    }

    @AfterAll
    void stopKeycloak() {
        LogHygiene.assertNoSecretsIn(realm);
        KeycloakServer.stopShared(); // no other class runs on this wiring
    }
}
