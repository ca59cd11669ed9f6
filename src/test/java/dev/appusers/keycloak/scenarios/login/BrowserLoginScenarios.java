package dev.appusers.keycloak.scenarios.login;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.appusers.keycloak.it.AdminClient;
import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.Browser;
import dev.appusers.keycloak.it.CallbackServer;
import dev.appusers.keycloak.it.CodeFlow;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.it.SeedUsers;
import dev.appusers.keycloak.it.SeedUsers.SeedUser;
import dev.appusers.keycloak.it.SmtpSink;
import dev.appusers.keycloak.it.Target;

/**
 * The app's users sign in on Keycloak's real login page, in headless Chromium, with the {@code app-users} login theme:
 * what they see when it works, when the app switched them off, when they mistype, and when their email is unconfirmed.
 */
@On.Postgres
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserLoginScenarios {

    static final String ACCENT = "rgba(15, 118, 110, 1)";

    /** The app database of the target this class runs on. */
    AppDb db() {
        return Target.current().db();
    }

    ItRealm realm;
    String schema;
    CallbackServer callback;
    SmtpSink smtp;
    Browser browser;

    @BeforeAll
    void realmWithTheAppUsersTheme() {
        realm = ItRealm.create(getClass());
        schema = db().createFixtureSchema("browser");
        callback = CallbackServer.start();
        smtp = SmtpSink.start();
        realm.admin.addFederation(realm.name, ItRealm.config("dbSchema", schema));
        // What an operator sets under Realm settings: the login theme, "Verify email", and a mail server for it.
        AdminClient.expect(realm.admin.put("/" + realm.name, Map.of("displayName", "App users demo",
                "loginTheme", "app-users", "verifyEmail", true,
                "smtpServer", Map.of("host", "127.0.0.1", "port", String.valueOf(smtp.port()),
                        "from", "noreply@example.com"))), 204, "realm settings");
        AdminClient.expect(realm.admin.put("/" + realm.name + "/authentication/required-actions/VERIFY_EMAIL/config",
                Map.of("config", Map.of("emailResendCooldownSeconds", "3"))), 204, "cooldown of Verify email");
        ObjectNode client = (ObjectNode) realm.admin.getJson("/" + realm.name + "/clients?clientId=demo-app").get(0);
        client.putArray("redirectUris").add(OidcClient.REDIRECT_URI).add(callback.redirectUri());
        AdminClient.expect(realm.admin.put("/" + realm.name + "/clients/" + client.get("id").asText(),
                client.toString()), 204, "redirect URI of demo-app");
    }

    @AfterAll
    void stopHelpers() {
        callback.close();
        smtp.close();
    }

    @BeforeEach
    void startBrowser() {
        browser = Browser.start();
    }

    @AfterEach
    void closeBrowser() {
        browser.close();
    }

    /** Opens the login page of a new code flow and checks that it is the app-users theme. */
    private CodeFlow openLoginPage() {
        CodeFlow flow = new CodeFlow(realm.server, realm.name, callback.redirectUri());
        browser.open(flow.authorizationUrl());
        browser.visible(By.id("username"));
        return flow;
    }

    private void signIn(String email, String password) {
        browser.visible(By.id("username")).sendKeys(email);
        browser.typePassword("password", password);
        browser.driver.findElement(By.id("kc-login")).click();
    }

    /** Waits until the browser is back at the app's redirect URI, and returns that URL. */
    private String awaitCallback() {
        return backAtTheApp(null);
    }

    /**
     * Clicks the link until Keycloak lets the browser go: while the resend cooldown of "Verify email" runs, Keycloak
     * answers the link with "Please wait N seconds, then try again."
     */
    private String clickUntilBack(String linkText) {
        return backAtTheApp(linkText);
    }

    private String backAtTheApp(String linkToClick) {
        try {
            return browser.waitFor(d -> {
                if (d.getCurrentUrl().startsWith(callback.redirectUri())) {
                    return d.getCurrentUrl();
                }
                if (linkToClick != null) {
                    d.findElements(By.linkText(linkToClick)).stream().findFirst().ifPresent(WebElement::click);
                }
                return null;
            });
        } catch (TimeoutException e) {
            browser.screenshot("failed-" + getClass().getSimpleName());
            throw new AssertionError("not back at " + callback.redirectUri() + ": still on "
                    + browser.driver.getCurrentUrl() + " showing:\n" + browser.pageText(), e);
        }
    }

    @Test
    void loginPageIsTheAppUsersThemeOnKeycloakV2() {
        openLoginPage();

        assertThat(browser.driver.findElements(By.cssSelector("link[rel=stylesheet]")))
                .extracting(link -> link.getAttribute("href"))
                .anyMatch(href -> href.endsWith("/login/app-users/css/styles.css"))
                .anyMatch(href -> href.endsWith("/login/app-users/css/app-users.css"));
        assertThat(browser.driver.findElement(By.id("kc-login")).getCssValue("background-color")).isEqualTo(ACCENT);
        assertThat(browser.pageText()).contains("App users demo", "Sign in to your account", "Username or email",
                "Password");
        browser.screenshot("login");
    }

    @Test
    void appUserSignsInWithTheAppPasswordAndComesBackWithACode() {
        SeedUser alice = SeedUsers.user("alice@example.com");
        CodeFlow flow = openLoginPage();
        browser.visible(By.id("username")).sendKeys(alice.email());
        browser.screenshot("login-filled");

        browser.typePassword("password", alice.password());
        browser.driver.findElement(By.id("kc-login")).click();
        String landing = awaitCallback();

        assertThat(browser.pageText()).contains("Back in the demo app");
        Http.Response tokens = AdminClient.expect(flow.exchange(landing), 200, "code exchange");
        JsonNode idToken = OidcClient.claims(tokens.json().get("id_token").asText());
        assertThat(idToken.get("email").asText()).isEqualTo(alice.email());
        assertThat(OidcClient.claims(tokens.json().get("access_token").asText()).get("email").asText())
                .isEqualTo(alice.email());
    }

    @Test
    void appUserSwitchedOffInTheAppIsToldToContactSupport() {
        SeedUser carol = SeedUsers.user("carol@example.com");
        openLoginPage();

        signIn(carol.email(), carol.password());

        browser.waitFor(d -> browser.pageText().contains("switched off"));
        assertThat(browser.pageText()).contains("Your account is switched off in the app, so you cannot sign in. "
                + "Please contact the app's support team and ask them to turn it back on; then sign in again with "
                + "the same email and password.");
        assertThat(browser.driver.getCurrentUrl()).doesNotStartWith(callback.redirectUri());
        browser.screenshot("login-account-disabled");
    }

    @Test
    void wrongPasswordShowsKeycloaksInvalidCredentialsMessage() {
        openLoginPage();

        signIn("alice@example.com", "alice-Secret-2");

        browser.waitFor(d -> browser.pageText().contains("Invalid username or password."));
        assertThat(browser.driver.findElement(By.id("username")).getAttribute("value")).isEqualTo("alice@example.com");
        assertThat(browser.driver.findElement(By.id("password")).getAttribute("value")).isEmpty();
        browser.screenshot("login-wrong-password");
    }

    @Test
    void unverifiedAppUserIsSentToTheAppsEmailAndSignsInOnceTheAppConfirmedIt() {
        SeedUser bob = SeedUsers.user("bob@example.com");
        CodeFlow flow = openLoginPage();

        signIn(bob.email(), bob.password());

        browser.visible(By.id("kc-page-title"));
        browser.waitFor(d -> browser.pageText().contains("Confirm your email address"));
        assertThat(browser.pageText()).contains(
                "You need to confirm your email address before you can sign in.",
                "Your email address bob@example.com is not confirmed yet. Open the confirmation email the app sent "
                        + "you when you signed up and click the link in it.",
                "Can't find that email? Look in your spam folder, or ask the app to send it again.",
                "Click here when you have confirmed your address, to continue signing in.");
        browser.screenshot("login-verify-email");
        // Keycloak also mails its own link, which cannot confirm the address in the app (docs: "Verify email").
        assertThat(smtp.messages()).anySatisfy(mail -> assertThat(mail).contains("To: bob@example.com"));

        // The app confirms the address (its own email link sets is_verified); the user clicks "Click here".
        db().executeIn(schema, "UPDATE " + db().userTable()
                + " SET is_verified = true WHERE email = 'bob@example.com';\n");
        String landing = clickUntilBack("Click here");

        JsonNode idToken = OidcClient.claims(AdminClient.expect(flow.exchange(landing), 200, "code exchange").json()
                .get("id_token").asText());
        assertThat(idToken.get("email").asText()).isEqualTo(bob.email());
        assertThat(idToken.get("email_verified").asBoolean()).isTrue();
    }
}
