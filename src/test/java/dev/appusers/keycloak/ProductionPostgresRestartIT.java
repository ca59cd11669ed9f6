package dev.appusers.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import dev.appusers.keycloak.it.AdminClient;
import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.KeycloakServer;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.OnKeycloak;

/**
 * An app user's offline token outlives a Keycloak restart (Keycloak in production mode, its own database on
 * PostgreSQL, the server stopped and started again as an operator does): it still refreshes to a token with the
 * app's roles, and is refused once the app deactivates the user (NO_CACHE: the next refresh reads the row).
 */
@OnKeycloak(production = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProductionPostgresRestartIT {

    private static final String EMAIL = "alice@example.com";

    final AppDb db = AppDb.POSTGRES;
    ItRealm realm;
    KeycloakServer server;
    String schema;
    String componentId;

    @BeforeAll
    void setUp() {
        realm = ItRealm.create(db, getClass());
        server = realm.server;
        schema = db.createFixtureSchema("restart");
        componentId = realm.admin.addFederation(realm.name, ItRealm.config("dbSchema", schema));
    }

    @Test
    void offlineTokenRefreshesAfterARestartUntilTheAppDeactivatesTheUser() {
        Http.Response grant = AdminClient.expect(realm.oidc.passwordGrant(EMAIL, "alice-Secret-1", "offline_access"),
                200, "offline grant");
        String offline = grant.json().get("refresh_token").asText();
        assertThat(OidcClient.claims(offline).get("typ").asText()).isEqualTo("Offline");

        server = server.restart();

        assertThat(offlineSessions().size()).as("offline sessions in the admin console after the restart")
                .isEqualTo(1);
        Http.Response refreshed = realm.oidc.refresh(offline);
        assertThat(refreshed.status()).as(refreshed.body()).isEqualTo(200);
        JsonNode claims = OidcClient.claims(refreshed.json().get("access_token").asText());
        assertThat(claims.get("email").asText()).isEqualTo(EMAIL);
        assertThat(Http.texts(claims.at("/realm_access/roles"))).as("the app's roles")
                .containsAll(SeedUsers.user(EMAIL).roles());

        db.executeIn(schema, "UPDATE " + db.userTable() + " SET is_active = false WHERE email = '" + EMAIL + "';\n");
        Http.Response refused = realm.oidc.refresh(offline);
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.json().get("error").asText()).isEqualTo("invalid_grant");
    }

    /** What the user's *Sessions* tab lists as offline sessions of {@code demo-app}. */
    private JsonNode offlineSessions() {
        JsonNode clients = AdminClient.expect(realm.admin.get("/" + realm.name + "/clients?clientId="
                + OidcClient.CLIENT_ID), 200, "find demo-app").json();
        String userId = "f:" + componentId + ":" + SeedUsers.user(EMAIL).id();
        return AdminClient.expect(realm.admin.get("/" + realm.name + "/users/" + userId + "/offline-sessions/"
                + clients.get(0).get("id").asText()), 200, "offline sessions").json();
    }

    @AfterAll
    void logHoldsNoSecrets() {
        LogHygiene.assertNoSecretsIn(realm); // the class's part, before and after the restart (the log is continued)
    }
}
