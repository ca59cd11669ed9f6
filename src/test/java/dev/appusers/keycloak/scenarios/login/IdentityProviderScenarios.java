package dev.appusers.keycloak.scenarios.login;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.appusers.keycloak.it.AdminClient;
import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.AppTables;
import dev.appusers.keycloak.it.Browser;
import dev.appusers.keycloak.it.CallbackServer;
import dev.appusers.keycloak.it.CodeFlow;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.LogHygiene;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.it.SeedUsers;
import dev.appusers.keycloak.it.SeedUsers.SeedUser;
import dev.appusers.keycloak.it.Target;

/**
 * Keycloak's identity brokering for the app's users, in headless Chromium: realm A (the app's users, cache policy
 * DEFAULT) has an OpenID Connect identity provider that is realm B on the same server. A person who signs in at B
 * with an app user's email is linked to that app user by a first-broker-login flow that links automatically, and then
 * signs in through B with the app user's roles; with Keycloak's default first-broker-login flow the person confirms the
 * link with the app password. The link lives in Keycloak, never in the app's tables. PostgreSQL only: what this tests
 * lives in Keycloak's database whatever the app's is; the app database's part (finding the user by email) runs on
 * MariaDB in {@code LoginScenarios} and {@code SearchScenarios}.
 */
@On.Postgres
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdentityProviderScenarios {

    static final String PROVIDER = "realm-b";
    /** Realm B once more, with Keycloak's default first-broker-login flow. */
    static final String CONFIRMING_PROVIDER = "realm-b-confirm";
    static final String LINK_FLOW = "link app users by email";
    static final String BROKER_CLIENT = "app-users-realm";
    static final String B_PASSWORD = "B-side-Secret-9";

    /** The app database of the target this class runs on. */
    AppDb db() {
        return Target.current().db();
    }

    ItRealm realm;
    String schema;
    String componentId;
    String realmB;
    String aliceAtB;
    CallbackServer callback;
    Browser browser;

    @BeforeAll
    void realmWithRealmBAsIdentityProvider() {
        realm = ItRealm.create(getClass());
        schema = db().createFixtureSchema("idp");
        db().lightenSeedHashes(schema);
        callback = CallbackServer.start();
        componentId = realm.admin.addFederation(realm.name, ItRealm.config("dbSchema", schema, "cachePolicy", "DEFAULT"));
        ObjectNode demoApp = (ObjectNode) realm.admin.getJson("/" + realm.name + "/clients?clientId=demo-app").get(0);
        demoApp.putArray("redirectUris").add(callback.redirectUri());
        AdminClient.expect(realm.admin.put("/" + realm.name + "/clients/" + demoApp.get("id").asText(),
                demoApp.toString()), 204, "redirect URI of demo-app");

        realmB = realm.name + "_b";
        realm.admin.deleteIfPresent("/" + realmB);
        realm.admin.createRealm(realmB);
        String secret = confidentialClientInB();
        aliceAtB = localUserInB("alice-at-b", "alice@example.com");
        localUserInB("nobody-at-b", "nobody@example.com");
        localUserInB("dave-at-b", "dave@example.com");

        realm.admin.createRequiredFlow(realm.name, LINK_FLOW, "idp-detect-existing-broker-user", "idp-auto-link");
        addProvider(PROVIDER, LINK_FLOW, secret);
        addProvider(CONFIRMING_PROVIDER, "first broker login", secret);
    }

    /** An OpenID Connect identity provider of A that is realm B, with B's client secret. */
    private void addProvider(String alias, String firstLoginFlow, String secret) {
        String b = realm.server.baseUrl() + "/realms/" + realmB;
        Map<String, String> config = new java.util.LinkedHashMap<>();
        config.put("clientId", BROKER_CLIENT);
        config.put("clientSecret", secret);
        config.put("clientAuthMethod", "client_secret_post");
        config.put("issuer", b);
        config.put("authorizationUrl", b + "/protocol/openid-connect/auth");
        config.put("tokenUrl", b + "/protocol/openid-connect/token");
        config.put("userInfoUrl", b + "/protocol/openid-connect/userinfo");
        config.put("jwksUrl", b + "/protocol/openid-connect/certs");
        config.put("useJwksUrl", "true");
        config.put("validateSignature", "true");
        config.put("defaultScope", "openid email profile");
        config.put("syncMode", "IMPORT");
        AdminClient.expect(realm.admin.post("/" + realm.name + "/identity-provider/instances", Map.of(
                "alias", alias, "displayName", alias, "providerId", "oidc", "enabled", true,
                "firstBrokerLoginFlowAlias", firstLoginFlow, "config", config)), 201, "identity provider " + alias);
    }

    /** B's confidential client for A, whose redirect URIs are A's broker endpoints; returns its secret. */
    private String confidentialClientInB() {
        Http.Response created = realm.admin.post("/" + realmB + "/clients", Map.of("clientId", BROKER_CLIENT,
                "publicClient", false, "standardFlowEnabled", true, "directAccessGrantsEnabled", false,
                "redirectUris", List.of(realm.server.baseUrl() + "/realms/" + realm.name + "/broker/*")));
        AdminClient.expect(created, 201, "client " + BROKER_CLIENT + " in " + realmB);
        String location = created.header("Location");
        String id = location.substring(location.lastIndexOf('/') + 1);
        return AdminClient.expect(realm.admin.get("/" + realmB + "/clients/" + id + "/client-secret"), 200,
                "client secret").json().get("value").asText();
    }

    /** A person of realm B: a local user with its own username and password; returns B's user id. */
    private String localUserInB(String username, String email) {
        Http.Response created = realm.admin.post("/" + realmB + "/users", Map.of("username", username,
                "email", email, "emailVerified", true, "firstName", "Person", "lastName", "At B", "enabled", true,
                "credentials", List.of(Map.of("type", "password", "value", B_PASSWORD, "temporary", false))));
        AdminClient.expect(created, 201, "user " + username + " in " + realmB);
        String location = created.header("Location");
        return location.substring(location.lastIndexOf('/') + 1);
    }

    @AfterAll
    void removeRealmB() {
        if (browser != null) {
            browser.close();
        }
        callback.close();
        realm.admin.deleteOk("/" + realmB);
        LogHygiene.assertNoSecretsIn(realm);
    }

    /** One Chromium for the class; each test starts without Keycloak's cookies, as another person would. */
    @BeforeEach
    void withoutCookies() {
        if (browser == null) {
            browser = Browser.start();
        }
        browser.driver.executeCdpCommand("Network.clearBrowserCookies", Map.of());
    }

    @Test
    void personSigningInAtBIsLinkedToTheAppUserWithTheSameEmailAndGetsTheAppRoles() {
        SeedUser alice = SeedUsers.user("alice@example.com");
        String id = "f:" + componentId + ":" + alice.id();
        String tables = AppTables.snapshot(db(), schema);
        assertThat(federatedIdentities(id)).isEmpty();

        JsonNode first = signInThroughB("alice-at-b");

        assertThat(first.path("sub").asText()).isEqualTo(id);
        assertThat(first.path("email").asText()).isEqualTo(alice.email());
        assertThat(Http.texts(first.path("realm_access").path("roles"))).contains("admin", "editor")
                .doesNotContain("viewer");
        JsonNode links = federatedIdentities(id);
        assertThat(links).hasSize(1);
        assertThat(links.get(0).path("identityProvider").asText()).isEqualTo(PROVIDER);
        assertThat(links.get(0).path("userId").asText()).isEqualTo(aliceAtB);
        assertThat(links.get(0).path("userName").asText()).isEqualTo("alice-at-b");
        assertThat(realm.admin.getJson("/" + realm.name + "/users?username=alice-at-b&exact=true"))
                .as("no Keycloak user of A for the person at B").isEmpty();

        // another day: signed in at B again, the link is found; no second link, the same app user and roles
        browser.driver.executeCdpCommand("Network.clearBrowserCookies", Map.of());
        JsonNode again = signInThroughB("alice-at-b");

        assertThat(again.path("sub").asText()).isEqualTo(id);
        assertThat(Http.texts(again.path("realm_access").path("roles"))).contains("admin", "editor");
        assertThat(federatedIdentities(id)).hasSize(1);
        assertThat(realm.oidc.passwordGrant(alice.email(), alice.password()).status())
                .as("the app password still works").isEqualTo(200);
        assertThat(AppTables.snapshot(db(), schema)).as("the app's tables").isEqualTo(tables);
    }

    @Test
    void withKeycloaksDefaultFirstLoginFlowThePersonConfirmsTheLinkWithTheAppPassword() {
        SeedUser dave = SeedUsers.user("dave@example.com");
        String id = "f:" + componentId + ":" + dave.id();
        String tables = AppTables.snapshot(db(), schema);
        CodeFlow flow = new CodeFlow(realm.server, realm.name, callback.redirectUri());
        browser.open(flow.authorizationUrl());
        browser.visible(By.id("social-" + CONFIRMING_PROVIDER)).click();
        signInAtB("dave-at-b");

        // "Account already exists": add to it; with no mail server, Keycloak asks for that account's password
        browser.visible(By.id("linkAccount")).click();
        browser.visible(By.id("password")).sendKeys(dave.password());
        browser.driver.findElement(By.id("kc-login")).click();
        JsonNode access = tokens(flow, awaitCallback());

        assertThat(access.path("sub").asText()).isEqualTo(id);
        assertThat(Http.texts(access.path("realm_access").path("roles"))).contains("viewer")
                .doesNotContain("admin", "editor");
        JsonNode links = federatedIdentities(id);
        assertThat(links).hasSize(1);
        assertThat(links.get(0).path("identityProvider").asText()).isEqualTo(CONFIRMING_PROVIDER);
        assertThat(links.get(0).path("userName").asText()).isEqualTo("dave-at-b");
        assertThat(AppTables.snapshot(db(), schema)).as("the app's tables").isEqualTo(tables);
    }

    @Test
    void personAtBWithoutAnAppUserIsNotLetIn() {
        String tables = AppTables.snapshot(db(), schema);
        CodeFlow flow = new CodeFlow(realm.server, realm.name, callback.redirectUri());
        browser.open(flow.authorizationUrl());
        browser.visible(By.id("social-" + PROVIDER)).click();
        signInAtB("nobody-at-b");

        browser.waitFor(d -> browser.pageText().contains("does not exist"));
        assertThat(browser.driver.getCurrentUrl()).doesNotStartWith(callback.redirectUri());
        assertThat(realm.admin.getJson("/" + realm.name + "/users?email=nobody%40example.com&exact=true"))
                .isEmpty();
        assertThat(AppTables.snapshot(db(), schema)).as("the app's tables").isEqualTo(tables);
    }

    /** On A's login page, "Realm B", then B's login page; back at the app: the access token's claims. */
    private JsonNode signInThroughB(String username) {
        CodeFlow flow = new CodeFlow(realm.server, realm.name, callback.redirectUri());
        browser.open(flow.authorizationUrl());
        browser.visible(By.id("social-" + PROVIDER)).click();
        signInAtB(username);
        return tokens(flow, awaitCallback());
    }

    private String awaitCallback() {
        try {
            return browser.waitFor(d -> d.getCurrentUrl().startsWith(callback.redirectUri()) ? d.getCurrentUrl() : null);
        } catch (TimeoutException e) {
            browser.screenshot("failed-" + getClass().getSimpleName());
            throw new AssertionError("not back at the app: still on " + browser.driver.getCurrentUrl()
                    + " showing:\n" + browser.pageText(), e);
        }
    }

    /** The access token's claims after exchanging the code the browser brought back. */
    private static JsonNode tokens(CodeFlow flow, String landing) {
        Http.Response tokens = AdminClient.expect(flow.exchange(landing), 200, "code exchange");
        return OidcClient.claims(tokens.json().get("access_token").asText());
    }

    private void signInAtB(String username) {
        browser.waitFor(d -> d.getCurrentUrl().contains("/realms/" + realmB + "/") ? true : null);
        browser.visible(By.id("username")).sendKeys(username);
        browser.driver.findElement(By.id("password")).sendKeys(B_PASSWORD);
        browser.driver.findElement(By.id("kc-login")).click();
    }

    private JsonNode federatedIdentities(String id) {
        return AdminClient.expect(realm.admin.get("/" + realm.name + "/users/" + id + "/federated-identity"), 200,
                "federated identities of " + id).json();
    }
}
