package dev.appusers.keycloak.scenarios.login;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import dev.appusers.keycloak.it.AdminClient;
import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.LogHygiene;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.it.SeedUsers;
import dev.appusers.keycloak.it.Target;

/**
 * Keycloak's token and session features on app users, with the component's default cache policy: refresh, sign-out,
 * offline tokens, an admin signing a user out everywhere, impersonation, the Credentials tab, and a realm exported
 * and imported again.
 */
@On.Postgres
@On.Mariadb
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionScenarios {

    /** The app database of the target this class runs on. */
    AppDb db() {
        return Target.current().db();
    }

    ItRealm realm;
    String schema;
    String componentId;

    @BeforeAll
    void setUp() {
        realm = ItRealm.create(getClass());
        schema = db().createFixtureSchema("sessions");
        db().lightenSeedHashes(schema);
        componentId = realm.admin.addFederation(realm.name, ItRealm.config("dbSchema", schema, "cachePolicy",
                "DEFAULT"));
    }

    private String userId(String email) {
        return "f:" + componentId + ":" + SeedUsers.user(email).id();
    }

    private static String refreshToken(Http.Response grant) {
        AdminClient.expect(grant, 200, "password grant");
        return grant.json().get("refresh_token").asText();
    }

    @Test
    void refreshGrantGivesANewTokenWithTheAppRoles() {
        Http.Response refreshed = realm.oidc.refresh(refreshToken(realm.oidc.passwordGrant("alice@example.com",
                "alice-Secret-1")));

        assertThat(refreshed.status()).as(refreshed.body()).isEqualTo(200);
        JsonNode claims = OidcClient.claims(refreshed.json().get("access_token").asText());
        assertThat(claims.get("email").asText()).isEqualTo("alice@example.com");
        assertThat(Http.texts(claims.at("/realm_access/roles"))).contains("admin", "editor");
    }

    @Test
    void signOutEndsTheSessionAndItsRefreshToken() {
        String refresh = refreshToken(realm.oidc.passwordGrant("bob@example.com", "bob-Secret-2"));

        assertThat(realm.oidc.logout(refresh).status()).as("sign-out").isEqualTo(204);
        Http.Response after = realm.oidc.refresh(refresh);
        assertThat(after.status()).as(after.body()).isEqualTo(400);
        assertThat(after.json().get("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void adminSignsAUserOutOfAllSessions() {
        String first = refreshToken(realm.oidc.passwordGrant("dave@example.com", "dave-Secret-4"));
        String second = refreshToken(realm.oidc.passwordGrant("dave@example.com", "dave-Secret-4"));
        Http.Response sessions = realm.admin.get("/" + realm.name + "/users/" + userId("dave@example.com")
                + "/sessions");
        assertThat(sessions.status()).isEqualTo(200);
        assertThat(sessions.json().size()).as("dave's sessions").isGreaterThanOrEqualTo(2);

        AdminClient.expect(realm.admin.post("/" + realm.name + "/users/" + userId("dave@example.com") + "/logout",
                Map.of()), 204, "sign dave out");

        assertThat(realm.oidc.refresh(first).status()).isEqualTo(400);
        assertThat(realm.oidc.refresh(second).status()).isEqualTo(400);
        assertThat(realm.admin.getJson("/" + realm.name + "/users/" + userId("dave@example.com") + "/sessions")
                .size()).isZero();
    }

    @Test
    void offlineTokenWorksUntilTheAppDisablesTheUserAndTheCacheHasSeenIt() {
        Http.Response grant = realm.oidc.passwordGrant("erin@example.com", "erin-Secret-5", "offline_access");
        String offline = refreshToken(grant);
        assertThat(OidcClient.claims(offline).get("typ").asText()).isEqualTo("Offline");
        assertThat(realm.oidc.refresh(offline).status()).as("offline refresh").isEqualTo(200);

        db().executeIn(schema, "UPDATE " + db().userTable() + " SET is_active = false WHERE email = 'erin@example.com';\n");
        try {
            AdminClient.expect(realm.admin.post("/" + realm.name + "/clear-user-cache", Map.of()), 204,
                    "clear the user cache");
            Http.Response refused = realm.oidc.refresh(offline);
            assertThat(refused.status()).as(refused.body()).isEqualTo(400);
            assertThat(refused.json().get("error").asText()).isEqualTo("invalid_grant");
        } finally {
            db().executeIn(schema, "UPDATE " + db().userTable() + " SET is_active = true WHERE email = 'erin@example.com';\n");
        }
    }

    @Test
    void adminImpersonatesAnAppUser() {
        Http.Response impersonation = realm.admin.post("/" + realm.name + "/users/" + userId("alice@example.com")
                + "/impersonation", Map.of());

        assertThat(impersonation.status()).as(impersonation.body()).isEqualTo(200);
        assertThat(impersonation.json().get("redirect").asText()).contains("/realms/" + realm.name + "/account");
        assertThat(realm.admin.getJson("/" + realm.name + "/users/" + userId("alice@example.com") + "/sessions")
                .size()).as("the impersonation session").isGreaterThanOrEqualTo(1);
    }

    @Test
    void credentialsTabShowsThePasswordAsTheAppsAndRefusesResetAndRemovalNamingTheMode() {
        String alice = userId("alice@example.com");

        Http.Response types = realm.admin.get("/" + realm.name + "/users/" + alice
                + "/configured-user-storage-credential-types");
        assertThat(types.status()).isEqualTo(200);
        assertThat(Http.texts(types.json())).containsExactly("password");
        Http.Response stored = realm.admin.get("/" + realm.name + "/users/" + alice + "/credentials");
        assertThat(stored.status()).isEqualTo(200);
        assertThat(Http.texts(stored.json(), "type")).as("nothing stored in Keycloak").doesNotContain("password");

        Http.Response reset = realm.admin.put("/" + realm.name + "/users/" + alice + "/reset-password",
                Map.of("type", "password", "value", "Another-Secret-9", "temporary", false));
        assertThat(reset.status()).as(reset.body()).isEqualTo(400);
        assertThat(reset.json().path("error_description").asText()).as("the answer names the mode configured")
                .isEqualTo("The password of this user is managed by the app (app-users provider, editMode READ_ONLY): "
                        + "change it in the app");
        Http.Response disable = realm.admin.put("/" + realm.name + "/users/" + alice + "/disable-credential-types",
                List.of("password"));
        assertThat(disable.status()).as(disable.body()).isEqualTo(400);
        assertThat(disable.body()).as("the refusal names the mode configured").contains("editMode READ_ONLY");
        assertThat(realm.oidc.passwordGrant("alice@example.com", "alice-Secret-1").status())
                .as("the app's password still works").isEqualTo(200);
    }

    @Test
    void partialExportKeepsTheComponentAndImportingItFederatesAgain() {
        Http.Response export = realm.admin.post("/" + realm.name + "/partial-export?exportClients=true"
                + "&exportGroupsAndRoles=true", Map.of());
        assertThat(export.status()).as(export.body()).isEqualTo(200);
        JsonNode components = export.json().at("/components/org.keycloak.storage.UserStorageProvider");
        assertThat(components.isArray()).as("components in %s", export.body()).isTrue();
        JsonNode appUsers = null;
        for (JsonNode component : components) {
            if ("app-users".equals(component.path("providerId").asText())) {
                appUsers = component;
            }
        }
        assertThat(appUsers).as("the app-users component in the export").isNotNull();
        assertThat(appUsers.at("/config/dbSchema/0").asText()).isEqualTo(schema);
        assertThat(appUsers.at("/config/cachePolicy/0").asText()).isEqualTo("DEFAULT");
        assertThat(export.body()).as("no secret in the export").doesNotContain("alice-Secret-1")
                .doesNotContain("$2b$12$");

        String copy = realm.name + "_imported";
        realm.admin.deleteIfPresent("/" + copy);
        com.fasterxml.jackson.databind.node.ObjectNode representation = (com.fasterxml.jackson.databind.node.ObjectNode)
                export.json();
        withoutIds(representation);
        representation.put("realm", copy).put("enabled", true);
        AdminClient.expect(realm.admin.post("", representation), 201, "import the exported realm");
        OidcClient imported = new OidcClient(realm.server, copy);
        Http.Response signIn = imported.passwordGrant("alice@example.com", "alice-Secret-1");
        assertThat(signIn.status()).as(signIn.body()).isEqualTo(200);
        assertThat(Http.texts(OidcClient.claims(signIn.json().get("access_token").asText())
                .at("/realm_access/roles"))).contains("admin", "editor");
        realm.admin.deleteOk("/" + copy);
    }

    /** Drops every {@code id} and {@code containerId}: the import gives the copy ids of its own. */
    private static void withoutIds(JsonNode node) {
        if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode object) {
            object.remove(List.of("id", "containerId"));
        }
        node.forEach(SessionScenarios::withoutIds);
    }

    @AfterAll
    void logHoldsNoSecrets() {
        LogHygiene.assertNoSecretsIn(realm);
    }
}
