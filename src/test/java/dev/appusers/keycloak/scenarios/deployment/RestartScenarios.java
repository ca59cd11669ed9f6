package dev.appusers.keycloak.scenarios.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import dev.appusers.keycloak.it.AdminClient;
import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.KeycloakOwnDatabase;
import dev.appusers.keycloak.it.KeycloakServer;
import dev.appusers.keycloak.it.LogHygiene;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.it.SeedUsers;

/**
 * An app user's offline token outlives a Keycloak restart (Keycloak in production mode, its own database on
 * PostgreSQL, the server stopped and started again as an operator does): it still refreshes to a token with the
 * app's roles, and is refused once the app deactivates the user (NO_CACHE: the next refresh reads the row). At that
 * start the provider warns once for each datasource of its components that Keycloak's readiness would follow: the
 * server leaves {@code appdb} out (as the README's install steps say), not the second app's {@code shopdb}.
 */
@On.Production
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestartScenarios {

    private static final String EMAIL = "alice@example.com";
    private static final String READINESS_WARNING = "Keycloak's readiness follows the app database";

    final AppDb db = AppDb.POSTGRES;
    ItRealm realm;
    ItRealm shop;
    KeycloakServer server;
    String schema;
    String componentId;
    String shopComponentId;
    String offline;
    String logOfTheRestart;

    /** A realm of its own, on the same server, for the component on the second app's datasource. */
    static final class ShopRealm {
    }

    @BeforeAll
    void setUpAndRestart() {
        realm = ItRealm.create(getClass());
        server = realm.server;
        schema = db.createFixtureSchema("restart");
        componentId = realm.admin.addFederation(realm.name, ItRealm.config("dbSchema", schema));
        shop = ItRealm.create(ShopRealm.class);
        shopComponentId = shop.admin.addFederation(shop.name, ItRealm.config("datasource",
                KeycloakOwnDatabase.SECOND_APP));
        Http.Response grant = AdminClient.expect(realm.oidc.passwordGrant(EMAIL, "alice-Secret-1", "offline_access"),
                200, "offline grant");
        offline = grant.json().get("refresh_token").asText();
        assertThat(OidcClient.claims(offline).get("typ").asText()).isEqualTo("Offline");

        long mark = server.logMark();
        server = server.restart();
        logOfTheRestart = server.logSince(mark);
    }

    @Test
    void offlineTokenRefreshesAfterARestartUntilTheAppDeactivatesTheUser() {
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

    @Test
    void atStartTheProviderWarnsOnceForTheDatasourceReadinessWouldFollowNamingTheOption() {
        List<String> warnings = logOfTheRestart.lines().filter(l -> l.contains(READINESS_WARNING)).toList();

        assertThat(warnings).singleElement().asString().contains(" WARN ", "(datasource shopdb)",
                "db-health-exclude-shopdb=true");
    }

    @Test
    void saveShowsWhichDatasourceKeycloaksReadinessFollows() {
        assertThat(readiness(realm, componentId)).startsWith("independent of the app database: datasource appdb");
        assertThat(readiness(shop, shopComponentId))
                .startsWith("follows the app database: while datasource shopdb is unreachable")
                .contains("db-health-exclude-shopdb=true");
    }

    private static String readiness(ItRealm in, String id) {
        return in.admin.component(in.name, id).path("config").path("readiness").path(0).asText();
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
