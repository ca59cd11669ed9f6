package dev.appusers.keycloak.scenarios.writable;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.appusers.keycloak.it.AppPython;
import dev.appusers.keycloak.it.FormFlow;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.it.SeedUsers;
import dev.appusers.keycloak.it.SmtpSink;

/**
 * WRITABLE mode, user side: what users do on Keycloak's own pages (update password, verify email, forgot password,
 * registration, update profile) and in the account console is written to the app's tables.
 */
@On.Postgres
@On.Mariadb
class SelfServiceScenarios extends WritableFixture {

    @Override
    String fixtureName() {
        return "selfservice";
    }

    @Test
    void passwordChangedByTheUserThroughKeycloaksPagesIsWrittenForTheApp() {
        // the account console's "Update password" is this application-initiated action
        FormFlow flow = new FormFlow().open(authUrl("&kc_action=UPDATE_PASSWORD"))
                .submit(Map.of("username", "gina@example.com", "password", "dave-Secret-4"));
        assertThat(flow.html()).as("update password page").contains("password-new");

        flow.submit(Map.of("password-new", "Gina-Own-Secret-7", "password-confirm", "Gina-Own-Secret-7"));

        assertThat(flow.redirect()).as("back at the app: %s", flow.html()).startsWith(OidcClient.REDIRECT_URI);
        String hash = (String) column(GINA.toString(), "password_hash");
        assertThat(AppPython.verifies("argon2", "Gina-Own-Secret-7", hash)).isTrue();
        assertThat(realm.oidc.passwordGrant("gina@example.com", "Gina-Own-Secret-7").status()).isEqualTo(200);
    }

    @Test
    void keycloaksVerifyEmailLinkWritesIsVerified() throws Exception {
        String other = realm.name + "_verify";
        try (SmtpSink smtp = SmtpSink.start()) {
            mailingRealm(other, smtp, "verifyEmail");

            FormFlow flow = new FormFlow().open(authUrl(other, ""))
                    .submit(Map.of("username", "jill@example.com", "password", "dave-Secret-4"));
            String link = awaitMailedLink(smtp, flow);
            assertThat(isTrue(column(JILL.toString(), "is_verified"))).isFalse();

            flow.open(link);

            assertThat(isTrue(column(JILL.toString(), "is_verified"))).as("after the link: %s", flow.html()).isTrue();
        }
    }

    @Test
    void forgotPasswordThroughKeycloaksMailWritesTheAppHash() throws Exception {
        String other = realm.name + "_forgot";
        try (SmtpSink smtp = SmtpSink.start()) {
            mailingRealm(other, smtp, "resetPasswordAllowed");
            FormFlow flow = new FormFlow().open(authUrl(other, ""));
            java.util.regex.Matcher forgot = java.util.regex.Pattern
                    .compile("href=\"([^\"]*login-actions/reset-credentials[^\"]*)\"").matcher(flow.html());
            assertThat(forgot.find()).as("'Forgot password?' link on the login page").isTrue();

            flow.open(forgot.group(1).replace("&amp;", "&")).submit(Map.of("username", "kate@example.com"));
            String link = awaitMailedLink(smtp, flow);
            flow.open(link);
            assertThat(flow.html()).as("update password page").contains("password-new");
            flow.submit(Map.of("password-new", "Kate-Own-Secret-7", "password-confirm", "Kate-Own-Secret-7"));
        }

        String hash = (String) column(KATE.toString(), "password_hash");
        assertThat(AppPython.verifies("argon2", "Kate-Own-Secret-7", hash)).isTrue();
        assertThat(new OidcClient(realm.server, other).passwordGrant("kate@example.com", "Kate-Own-Secret-7").status())
                .isEqualTo(200);
    }

    /** A realm with the writable component, a mail server and the one realm switch a mail flow needs. */
    private void mailingRealm(String name, SmtpSink smtp, String realmSwitch) {
        otherRealm(name, writable(schema, "insertDefaults", "plan=basic"));
        assertThat(realm.admin.put("/" + name, Map.of(realmSwitch, true, "smtpServer", Map.of("host", "127.0.0.1",
                "port", String.valueOf(smtp.port()), "from", "noreply@example.com"))).status()).isEqualTo(204);
    }

    /** The action-token link of the first mail Keycloak sends within 20 seconds. */
    private static String awaitMailedLink(SmtpSink smtp, FormFlow flow) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            String link = smtp.messages().stream().map(SelfServiceScenarios::verificationLink).filter(l -> l != null)
                    .findFirst().orElse(null);
            if (link != null) {
                return link;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no mail with a link from Keycloak; the page was: " + flow.html());
    }

    /** The action-token link in a mail Keycloak sent (quoted-printable soft breaks undone). */
    static String verificationLink(String mail) {
        String text = mail.replace("=\r\n", "").replace("=\n", "").replace("=3D", "=");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "(http://localhost:\\d+/realms/[^/]+/login-actions/action-token\\?[^\\s\"<>]+)").matcher(text);
        return m.find() ? m.group(1).replace("&amp;", "&") : null;
    }

    @Test
    void updatePasswordRequiredActionWritesTheAppHash() {
        String hank = "f:" + componentId + ":" + HANK;
        updateUser(hank, u -> u.set("requiredActions", Http.JSON.valueToTree(List.of("UPDATE_PASSWORD"))));
        FormFlow flow = new FormFlow().open(authUrl(""))
                .submit(Map.of("username", "hank@example.com", "password", "dave-Secret-4"));
        assertThat(flow.html()).as("update password page").contains("password-new");

        flow.submit(Map.of("password-new", "Hank-Own-Secret-7", "password-confirm", "Hank-Own-Secret-7"));

        assertThat(flow.redirect()).as("back at the app: %s", flow.html()).startsWith(OidcClient.REDIRECT_URI);
        assertThat(AppPython.verifies("argon2", "Hank-Own-Secret-7", (String) column(HANK.toString(), "password_hash")))
                .isTrue();
    }

    @Test
    void selfRegistrationInsertsTheUserIntoTheAppTable() {
        assertThat(realm.admin.put("/" + realm.name, Map.of("registrationAllowed", true)).status()).isEqualTo(204);
        String url = realm.server.baseUrl() + "/realms/" + realm.name + "/protocol/openid-connect/registrations?"
                + "client_id=" + OidcClient.CLIENT_ID + "&response_type=code&scope=openid&redirect_uri="
                + Http.encode(OidcClient.REDIRECT_URI) + OidcClient.pkceParameters();

        FormFlow flow = new FormFlow().open(url).submit(Map.of("username", "ivy@example.com",
                "email", "ivy@example.com", "firstName", "Ivy", "lastName", "Reg", "password", "Ivy-Own-Secret-7",
                "password-confirm", "Ivy-Own-Secret-7"));

        assertThat(flow.redirect()).as("registered and back at the app: %s", flow.html())
                .startsWith(OidcClient.REDIRECT_URI);
        assertThat(count("SELECT COUNT(*) FROM " + db().userTable() + " WHERE email = 'ivy@example.com'")).isEqualTo(1);
        assertThat(realm.oidc.passwordGrant("ivy@example.com", "Ivy-Own-Secret-7").status()).isEqualTo(200);
    }

    @Test
    void withoutSyncRegistrationsNewUsersStayKeycloaksOwn() {
        String other = realm.name + "_nosync";
        otherRealm(other, writable(schema, "syncRegistrations", "false"));

        Http.Response created = realm.admin.post("/" + other + "/users", Map.of("username", "local-only@example.com",
                "email", "local-only@example.com", "enabled", true));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.header("Location")).doesNotContain("/f:");
        assertThat(count("SELECT COUNT(*) FROM " + db().userTable() + " WHERE email = 'local-only@example.com'"))
                .isZero();
    }

    @Test
    void userEditsAMappedAttributeInTheAccountConsoleAndTheColumnChanges() {
        declare(realm.name, "token_count", List.of("admin", "user"));
        Http.Response shown = account(realm.oidc, realm.name, "liam@example.com", null);
        assertThat(shown.status()).as(shown.body()).isEqualTo(200);
        assertThat(shown.json().get("attributes").get("token_count").get(0).asText()).isEqualTo("5");
        assertThat(profileAttribute(shown.json(), "token_count").get("readOnly").asBoolean()).isFalse();
        assertThat(shown.body()).as("the hash is never shown").doesNotContain("password_hash")
                .doesNotContain(SeedUsers.DAVE_HASH);

        Http.Response saved = account(realm.oidc, realm.name, "liam@example.com", withTokenCount(shown, "6"));
        Http.Response bad = account(realm.oidc, realm.name, "liam@example.com", withTokenCount(shown, "six"));

        assertThat(saved.status()).as(saved.body()).isEqualTo(204);
        assertThat(((Number) column(LIAM.toString(), "token_count")).intValue()).isEqualTo(6);
        assertThat(account(realm.oidc, realm.name, "liam@example.com", null).json().get("attributes")
                .get("token_count").get(0).asText()).isEqualTo("6");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("\"field\":\"token_count\"").contains("error-invalid-number");
        assertThat(((Number) column(LIAM.toString(), "token_count")).intValue()).isEqualTo(6);
    }

    @Test
    void inReadOnlyModeTheUserSeesAMappedAttributeButCannotChangeIt() {
        String other = realm.name + "_ro_account";
        otherRealm(other, ItRealm.config("dbSchema", schema, "userAttributeColumns", "token_count"));
        declare(other, "token_count", List.of("admin", "user"));
        OidcClient oidc = new OidcClient(realm.server, other);
        Http.Response shown = account(oidc, other, "mona@example.com", null);
        assertThat(shown.status()).as(shown.body()).isEqualTo(200);

        Http.Response refused = account(oidc, other, "mona@example.com", withTokenCount(shown, "10"));

        assertThat(shown.json().get("attributes").get("token_count").get(0).asText()).isEqualTo("9");
        assertThat(profileAttribute(shown.json(), "token_count").get("readOnly").asBoolean()).isTrue();
        assertThat(refused.status()).as(refused.body()).isBetween(200, 499);
        assertThat(((Number) column(MONA.toString(), "token_count")).intValue()).isEqualTo(9);
    }

    @Test
    void anAttributeTheRealmsUserProfileDeclaresKeepsTheRealmsPermissions() {
        String other = realm.name + "_declared";
        otherRealm(other, writable(schema, "insertDefaults", "plan=basic"));
        declare(other, "token_count", List.of("admin"));
        OidcClient oidc = new OidcClient(realm.server, other);
        Http.Response shown = account(oidc, other, "mona@example.com", null);

        Http.Response refused = account(oidc, other, "mona@example.com", withTokenCount(shown, "10"));

        assertThat(profileAttribute(shown.json(), "token_count").get("readOnly").asBoolean()).isTrue();
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(((Number) column(MONA.toString(), "token_count")).intValue()).isEqualTo(9);
    }

    @Test
    void updateProfilePageShowsAndWritesAMappedAttribute() {
        declare(realm.name, "token_count", List.of("admin", "user"));
        FormFlow flow = new FormFlow().open(authUrl("&kc_action=UPDATE_PROFILE"))
                .submit(Map.of("username", "nina@example.com", "password", "dave-Secret-4"));
        assertThat(flow.html()).as("update profile page").contains("name=\"token_count\"").contains("value=\"11\"");

        flow.submit(Map.of("email", "nina@example.com", "token_count", "12"));

        assertThat(flow.redirect()).as("back at the app: %s", flow.html()).startsWith(OidcClient.REDIRECT_URI);
        assertThat(((Number) column(NINA.toString(), "token_count")).intValue()).isEqualTo(12);
    }

    @Test
    void anUndeclaredMappedAttributeIsTheAdminsAloneAsWithLdap() {
        String other = realm.name + "_undeclared";
        String component = otherRealm(other, writable(schema, "insertDefaults", "plan=basic"));
        OidcClient oidc = new OidcClient(realm.server, other);
        Http.Response shown = account(oidc, other, "mona@example.com", null);
        assertThat(shown.status()).as(shown.body()).isEqualTo(200);
        ObjectNode update = (ObjectNode) shown.json().deepCopy();
        update.putObject("attributes").putArray("token_count").add("99");

        Http.Response sent = account(oidc, other, "mona@example.com", update);

        assertThat(shown.body()).doesNotContain("token_count");
        assertThat(sent.status()).as(sent.body()).isBetween(200, 499);
        assertThat(((Number) column(MONA.toString(), "token_count")).intValue()).as("column unchanged").isEqualTo(9);
        assertThat(realm.admin.getJson("/" + other + "/users/f:" + component + ":" + MONA)
                .get("attributes").get("token_count").get(0).asText()).as("the admin sees it").isEqualTo("9");
    }

    /** Declares {@code name} in the realm's user profile: users and admins view it, {@code edit} may change it. */
    private void declare(String realmName, String name, List<String> edit) {
        ObjectNode profile = (ObjectNode) realm.admin.getJson("/" + realmName + "/users/profile");
        com.fasterxml.jackson.databind.node.ArrayNode attributes =
                (com.fasterxml.jackson.databind.node.ArrayNode) profile.get("attributes");
        for (int i = attributes.size() - 1; i >= 0; i--) {
            if (attributes.get(i).get("name").asText().equals(name)) {
                attributes.remove(i);
            }
        }
        attributes.add(Http.JSON.valueToTree(Map.of("name", name,
                "permissions", Map.of("view", List.of("admin", "user"), "edit", edit))));
        Http.Response declared = realm.admin.put("/" + realmName + "/users/profile", profile);
        assertThat(declared.status()).as(declared.body()).isEqualTo(200);
    }

    /** The user's own account REST API (what the account console calls) with a token of the user's; GET or POST. */
    private Http.Response account(OidcClient oidc, String realmName, String email, JsonNode update) {
        String token = oidc.accessToken(email, "dave-Secret-4");
        java.net.http.HttpRequest.Builder request = Http.request(realm.server.baseUrl() + "/realms/" + realmName
                + "/account/?userProfileMetadata=true").header("Authorization", "Bearer " + token)
                .header("Accept", "application/json");
        return Http.send(java.net.http.HttpClient.newHttpClient(), update == null ? request.GET().build()
                : request.header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Http.json(update))).build());
    }

    private static JsonNode withTokenCount(Http.Response account, String value) {
        ObjectNode user = (ObjectNode) account.json();
        ((ObjectNode) user.get("attributes")).set("token_count", Http.JSON.valueToTree(List.of(value)));
        return user;
    }

    private static JsonNode profileAttribute(JsonNode account, String name) {
        for (JsonNode attribute : account.get("userProfileMetadata").get("attributes")) {
            if (attribute.get("name").asText().equals(name)) {
                return attribute;
            }
        }
        throw new AssertionError(name + " is not in the user profile metadata: " + account);
    }
}
