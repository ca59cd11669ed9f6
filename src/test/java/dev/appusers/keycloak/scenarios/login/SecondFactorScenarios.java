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
import dev.appusers.keycloak.it.Totp;

/**
 * Keycloak's second factor for the app's users, in headless Chromium: an app user sets up TOTP through Keycloak's
 * "Configure OTP" required action and then signs in with password and code; an admin removes the OTP credential; a
 * realm flow that asks everyone for a code covers app users. The OTP credential lives in Keycloak (federated storage),
 * never in the app's tables. The component caches users (cache policy DEFAULT), as an operator runs it. PostgreSQL
 * only: what this tests lives in Keycloak's database whatever the app's is; the app database's part (finding the user
 * by username or email) runs on MariaDB in {@code LoginScenarios} and {@code SearchScenarios}.
 */
@On.Postgres
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecondFactorScenarios {

    /** The app database of the target this class runs on. */
    AppDb db() {
        return Target.current().db();
    }

    private static final int OTP_PERIOD_SECONDS = 5;

    ItRealm realm;
    String schema;
    String componentId;
    CallbackServer callback;
    Browser browser;

    @BeforeAll
    void realmWithCachedAppUsers() {
        realm = ItRealm.create(getClass());
        schema = db().createFixtureSchema("otp");
        db().lightenSeedHashes(schema);
        callback = CallbackServer.start();
        componentId = appUsersRealm(realm.name);
    }

    /** {@code name}'s app-users component on this class's fixture (cache policy DEFAULT), the browser's callback. */
    private String appUsersRealm(String name) {
        String id = realm.admin.addFederation(name, ItRealm.config("dbSchema", schema, "cachePolicy", "DEFAULT"));
        ObjectNode client = (ObjectNode) realm.admin.getJson("/" + name + "/clients?clientId=demo-app").get(0);
        client.putArray("redirectUris").add(callback.redirectUri());
        AdminClient.expect(realm.admin.put("/" + name + "/clients/" + client.get("id").asText(), client.toString()),
                204, "redirect URI of demo-app");
        // TOTP with a 5-second step (Keycloak's default is 30): a test that needs a code no earlier sign-in used
        // waits for the next step, and the authenticator app reads the period from the realm like any other setting
        AdminClient.expect(realm.admin.put("/" + name, Map.of("otpPolicyPeriod", OTP_PERIOD_SECONDS)), 204,
                "OTP policy period");
        return id;
    }

    @AfterAll
    void stopHelpers() {
        if (browser != null) {
            browser.close();
        }
        callback.close();
        LogHygiene.assertNoSecretsIn(realm);
    }

    /** One Chromium for the class; each test starts without Keycloak's cookies, as another person would. */
    @BeforeEach
    void withoutCookies() {
        if (browser == null) {
            browser = Browser.start();
        }
        newBrowserSession();
    }

    @Test
    void appUserSetsUpTotpAndSignsInWithPasswordAndCodeButNotWithAWrongCode() {
        SeedUser alice = SeedUsers.user("alice@example.com");
        String id = keycloakId(alice);
        String tables = AppTables.snapshot(db(), schema);
        requireAction(realm.name, id, "CONFIGURE_TOTP");

        CodeFlow setup = signIn(realm.name, alice);
        Totp app = configureTotp(realm.name);
        assertThat(tokens(setup, awaitCallback()).path("email").asText()).isEqualTo(alice.email());
        assertThat(otpCredentials(realm.name, id)).hasSize(1);
        assertThat(Http.texts(user(realm.name, id).get("requiredActions"))).isEmpty();

        newBrowserSession();
        CodeFlow login = signIn(realm.name, alice);
        enterCode(app.wrongCode());
        browser.waitFor(d -> browser.pageText().contains("Invalid authenticator code."));
        assertThat(browser.driver.getCurrentUrl()).doesNotStartWith(callback.redirectUri());
        enterCode(app.nextCode());
        JsonNode access = tokens(login, awaitCallback());

        assertThat(access.path("sub").asText()).isEqualTo(id);
        assertThat(Http.texts(access.path("realm_access").path("roles"))).contains("admin", "editor")
                .doesNotContain("viewer");
        assertThat(realm.oidc.passwordGrant(alice.email(), alice.password()).status())
                .as("a password grant without the code").isIn(OidcClient.REFUSED);
        assertThat(AppTables.snapshot(db(), schema)).as("the app's tables").isEqualTo(tables);
    }

    @Test
    void afterAnAdminRemovesTheOtpCredentialTheSignInAsksForNoCode() {
        SeedUser dave = SeedUsers.user("dave@example.com");
        String id = keycloakId(dave);
        String tables = AppTables.snapshot(db(), schema);
        requireAction(realm.name, id, "CONFIGURE_TOTP");
        CodeFlow setup = signIn(realm.name, dave);
        configureTotp(realm.name);
        tokens(setup, awaitCallback());
        List<JsonNode> otp = otpCredentials(realm.name, id);
        assertThat(otp).hasSize(1);

        Http.Response removed = realm.admin.delete("/" + realm.name + "/users/" + id + "/credentials/"
                + otp.get(0).get("id").asText());

        assertThat(removed.status()).as(removed.body()).isEqualTo(204);
        assertThat(otpCredentials(realm.name, id)).isEmpty();
        newBrowserSession();
        CodeFlow login = signIn(realm.name, dave);
        // no code page: straight back at the app (awaitCallback fails if Keycloak stops at "One-time code")
        JsonNode access = tokens(login, awaitCallback());
        assertThat(Http.texts(access.path("realm_access").path("roles"))).contains("viewer");
        assertThat(realm.oidc.passwordGrant(dave.email(), dave.password()).status()).isEqualTo(200);
        assertThat(AppTables.snapshot(db(), schema)).as("the app's tables").isEqualTo(tables);
    }

    @Test
    void aRealmFlowThatAsksEveryoneForACodeCoversAppUsers() {
        String other = realm.name + "_everyone";
        realm.admin.deleteIfPresent("/" + other);
        realm.admin.createRealm(other);
        appUsersRealm(other);
        realm.admin.createRequiredFlow(other, "browser with OTP for everyone", "auth-username-password-form",
                "auth-otp-form");
        AdminClient.expect(realm.admin.put("/" + other, Map.of("browserFlow", "browser with OTP for everyone")), 204,
                "bind the browser flow");
        SeedUser erin = SeedUsers.user("erin@example.com");
        String tables = AppTables.snapshot(db(), schema);

        // no admin asked erin for OTP: the flow does, with Keycloak's "Configure OTP" at her first sign-in
        CodeFlow setup = signIn(other, erin);
        Totp app = configureTotp(other);
        tokens(setup, awaitCallback());
        newBrowserSession();
        CodeFlow login = signIn(other, erin);
        enterCode(app.nextCode());
        JsonNode access = tokens(login, awaitCallback());

        assertThat(access.path("email").asText()).isEqualTo(erin.email());
        assertThat(access.path("sub").asText()).startsWith("f:");
        assertThat(AppTables.snapshot(db(), schema)).as("the app's tables").isEqualTo(tables);
        realm.admin.deleteOk("/" + other);
    }

    private String keycloakId(SeedUser user) {
        return "f:" + componentId + ":" + user.id();
    }

    private JsonNode user(String realmName, String id) {
        return AdminClient.expect(realm.admin.get("/" + realmName + "/users/" + id), 200, "user " + id).json();
    }

    /** What an admin does under Users > user > Required user actions. */
    private void requireAction(String realmName, String id, String action) {
        ObjectNode user = (ObjectNode) user(realmName, id);
        user.putArray("requiredActions").add(action);
        AdminClient.expect(realm.admin.put("/" + realmName + "/users/" + id, user), 204, "required action " + action);
    }

    /** The user's OTP credentials as the admin console lists them. */
    private List<JsonNode> otpCredentials(String realmName, String id) {
        JsonNode credentials = AdminClient.expect(realm.admin.get("/" + realmName + "/users/" + id + "/credentials"),
                200, "credentials of " + id).json();
        List<JsonNode> otp = new java.util.ArrayList<>();
        credentials.forEach(c -> {
            if ("otp".equals(c.path("type").asText())) {
                otp.add(c);
            }
        });
        return otp;
    }

    /** Opens the realm's login page for a new code flow and submits the app user's email and app password. */
    private CodeFlow signIn(String realmName, SeedUser user) {
        CodeFlow flow = new CodeFlow(realm.server, realmName, callback.redirectUri());
        browser.open(flow.authorizationUrl());
        browser.visible(By.id("username")).sendKeys(user.email());
        browser.typePassword("password", user.password());
        browser.driver.findElement(By.id("kc-login")).click();
        return flow;
    }

    /**
     * On Keycloak's "Mobile Authenticator Setup" page: "Unable to scan?", read the key and the policy shown, and
     * submit the first code of an authenticator app set up with them.
     */
    private Totp configureTotp(String realmName) {
        browser.visible(By.id("mode-manual")).click();
        String key = browser.visible(By.id("kc-totp-secret-key")).getText();
        JsonNode policy = AdminClient.expect(realm.admin.get("/" + realmName), 200, "realm").json();
        assertThat(browser.driver.findElement(By.id("kc-totp-algorithm")).getText())
                .endsWith(policy.get("otpPolicyAlgorithm").asText().replace("Hmac", ""));
        assertThat(browser.driver.findElement(By.id("kc-totp-digits")).getText())
                .endsWith(": " + policy.get("otpPolicyDigits").asInt());
        assertThat(browser.driver.findElement(By.id("kc-totp-period")).getText())
                .endsWith(": " + policy.get("otpPolicyPeriod").asInt());
        assertThat(key.replace(" ", "")).matches("[A-Z2-7]{32,}");
        Totp app = Totp.forRealm(key, policy);
        browser.driver.findElement(By.id("totp")).sendKeys(app.nextCode());
        browser.driver.findElement(By.id("userLabel")).sendKeys("Phone");
        browser.driver.findElement(By.id("saveTOTPBtn")).click();
        return app;
    }

    private void enterCode(String code) {
        browser.visible(By.id("otp")).sendKeys(code);
        browser.driver.findElement(By.id("kc-login")).click();
    }

    /** As if the user came back another day: none of Keycloak's cookies, so no SSO session. */
    private void newBrowserSession() {
        browser.driver.executeCdpCommand("Network.clearBrowserCookies", Map.of());
    }

    private String awaitCallback() {
        try {
            return browser.waitFor(d -> d.getCurrentUrl().startsWith(callback.redirectUri()) ? d.getCurrentUrl() : null);
        } catch (TimeoutException e) {
            browser.screenshot("failed-" + getClass().getSimpleName());
            throw new AssertionError("not back at the app: still on " + browser.driver.getCurrentUrl() + " showing:\n"
                    + browser.pageText(), e);
        }
    }

    /** The access token's claims after exchanging the code the browser brought back. */
    private static JsonNode tokens(CodeFlow flow, String landing) {
        Http.Response tokens = AdminClient.expect(flow.exchange(landing), 200, "code exchange");
        return OidcClient.claims(tokens.json().get("access_token").asText());
    }
}
