package dev.appusers.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.AppPython;
import dev.appusers.keycloak.it.FormFlow;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.SmtpSink;

/** WRITABLE mode: what happens to a user in Keycloak is written to the app's tables, in a form the app accepts. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WritableScenarios {

    abstract AppDb db();

    ItRealm realm;
    String schema;
    String componentId;

    @BeforeAll
    void setUp() {
        realm = ItRealm.create(db(), getClass());
        schema = db().createFixtureSchema("writable");
        db().insertUser(schema, GINA, "gina@example.com", DAVE_HASH, true, true);
        db().insertUser(schema, HANK, "hank@example.com", DAVE_HASH, true, true);
        db().insertUser(schema, JILL, "jill@example.com", DAVE_HASH, true, false);
        db().insertUser(schema, KATE, "kate@example.com", DAVE_HASH, true, true);
        db().insertUser(schema, LIAM, "liam@example.com", DAVE_HASH, true, true);
        db().insertUser(schema, MONA, "mona@example.com", DAVE_HASH, true, true);
        db().insertUser(schema, NINA, "nina@example.com", DAVE_HASH, true, true);
        db().executeIn(schema, "UPDATE " + db().userTable() + " SET token_count = 5 WHERE email = 'liam@example.com';\n"
                + "UPDATE " + db().userTable() + " SET token_count = 9 WHERE email = 'mona@example.com';\n"
                + "UPDATE " + db().userTable() + " SET token_count = 11 WHERE email = 'nina@example.com';\n");
        // a NOT NULL column without default that the app added: Keycloak can only insert rows if config fills it
        db().executeIn(schema, "ALTER TABLE " + db().userTable() + " ADD COLUMN plan VARCHAR(10) NOT NULL DEFAULT 'free';\n"
                + "ALTER TABLE " + db().userTable() + " ALTER COLUMN plan DROP DEFAULT;\n");
        componentId = realm.admin.addFederation(realm.name, writable(schema, "insertDefaults", "plan=basic"));
    }

    static final String DAVE_HASH = "$2y$10$SaI5xdjfcTAb/eutsWCVCefOtgLc2wAi3cGRp7y4FI3iBuAqKth6e";
    static final UUID GINA = UUID.fromString("6a1f0f3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b");
    static final UUID HANK = UUID.fromString("7b2f1f4e-2d3e-4f60-9bac-1d2e3f4a5b6c");
    static final UUID JILL = UUID.fromString("8c3f2f5e-3e4f-4061-8cbd-2e3f4a5b6c7d");
    static final UUID KATE = UUID.fromString("9d4f3f6e-4f50-4172-9dce-3f4a5b6c7d8e");
    static final UUID LIAM = UUID.fromString("ae5f4f7e-5061-4283-8edf-4a5b6c7d8e9f");
    static final UUID MONA = UUID.fromString("bf6f5f8e-6172-4394-9ef0-5b6c7d8e9fa0");
    static final UUID NINA = UUID.fromString("c07f6f9e-7283-44a5-8f01-6c7d8e9fa0b1");

    private String authUrl(String extra) {
        return authUrl(realm.name, extra);
    }

    private String authUrl(String realmName, String extra) {
        return realm.server.baseUrl() + "/realms/" + realmName + "/protocol/openid-connect/auth?client_id="
                + OidcClient.CLIENT_ID + "&response_type=code&scope=openid&redirect_uri="
                + Http.encode(OidcClient.REDIRECT_URI) + OidcClient.pkceParameters() + extra;
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
            String link = smtp.messages().stream().map(WritableScenarios::verificationLink).filter(l -> l != null)
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

    /** A new realm {@code name} (replacing an earlier one) with an app-users component; returns the component's id. */
    private String otherRealm(String name, Map<String, String> config) {
        realm.admin.delete("/" + name);
        realm.admin.createRealm(name);
        return realm.admin.addFederation(name, config);
    }

    static Map<String, String> writable(String schema, String... more) {
        Map<String, String> config = ItRealm.config("dbSchema", schema, "editMode", "WRITABLE", "syncRegistrations",
                "true", "deleteEnabled", "true", "userAttributeColumns", "token_count");
        for (int i = 0; i + 1 < more.length; i += 2) {
            config.put(more[i], more[i + 1]);
        }
        return config;
    }

    String keycloakId(String email) {
        return "f:" + componentId + ":" + SeedUsers.user(email).id();
    }

    /** One column of one user row, read straight from the app database. */
    Object column(String userId, String column) {
        try (Connection c = db().connectTo(schema); PreparedStatement s = c.prepareStatement(
                "SELECT " + column + " FROM " + db().userTable() + " WHERE id = ?")) {
            s.setObject(1, db().idValue(UUID.fromString(userId)));
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getObject(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    long count(String sql) {
        try (Connection c = db().connectTo(schema); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    boolean isTrue(Object value) {
        return value instanceof Boolean b ? b : ((Number) value).intValue() != 0;
    }

    Http.Response resetPassword(String realmName, String userId, String password) {
        return realm.admin.put("/" + realmName + "/users/" + userId + "/reset-password",
                Map.of("type", "password", "value", password, "temporary", false));
    }

    @Test
    void adminPasswordResetWritesLitestarUsersArgon2HashThatTheAppVerifies() {
        String dave = SeedUsers.user("dave@example.com").id();

        assertThat(resetPassword(realm.name, keycloakId("dave@example.com"), "Dave-New-Secret-9").status()).isEqualTo(204);

        String hash = (String) column(dave, "password_hash");
        assertThat(hash).startsWith("$argon2id$v=19$m=102400,t=2,p=8$");
        assertThat(AppPython.verifies("argon2", "Dave-New-Secret-9", hash)).isTrue();
        assertThat(AppPython.verifies("argon2", "dave-Secret-4", hash)).isFalse();
        assertThat(realm.oidc.passwordGrant("dave@example.com", "Dave-New-Secret-9").status()).isEqualTo(200);
        assertThat(realm.oidc.passwordGrant("dave@example.com", "dave-Secret-4").status()).isEqualTo(400);
    }

    @Test
    void bcryptSchemeWritesPasslibsDefaultBcrypt() {
        String otherSchema = db().createFixtureSchema("writable_bcrypt");
        String other = realm.name + "_bcrypt";
        String id = otherRealm(other, writable(otherSchema, "passwordHashScheme", "bcrypt"));
        String erin = SeedUsers.user("erin@example.com").id();

        assertThat(resetPassword(other, "f:" + id + ":" + erin, "Erin-New-Secret-9").status()).isEqualTo(204);

        String hash;
        try (Connection c = db().connectTo(otherSchema); PreparedStatement s = c.prepareStatement(
                "SELECT password_hash FROM " + db().userTable() + " WHERE id = ?")) {
            s.setObject(1, db().idValue(UUID.fromString(erin)));
            ResultSet rs = s.executeQuery();
            rs.next();
            hash = rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        assertThat(hash).startsWith("$2b$12$");
        assertThat(AppPython.verifies("bcrypt", "Erin-New-Secret-9", hash)).isTrue();
        assertThat(new OidcClient(realm.server, other).passwordGrant("erin@example.com", "Erin-New-Secret-9").status())
                .isEqualTo(200);
    }

    @Test
    void passwordPolicyRefusesBeforeAnythingIsWritten() {
        String other = realm.name + "_policy";
        String id = otherRealm(other, writable(schema, "insertDefaults", "plan=basic"));
        realm.admin.put("/" + other, Map.of("passwordPolicy", "length(20)"));
        String bob = SeedUsers.user("bob@example.com").id();
        Object before = column(bob, "password_hash");

        Http.Response refused = resetPassword(other, "f:" + id + ":" + bob, "short-1");
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("username", "policy-victim@example.com");
        user.put("email", "policy-victim@example.com");
        user.put("enabled", true);
        user.put("credentials", List.of(Map.of("type", "password", "value", "short-2", "temporary", false)));
        Http.Response created = realm.admin.post("/" + other + "/users", user);

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("invalidPasswordMinLengthMessage");
        assertThat(column(bob, "password_hash")).isEqualTo(before);
        assertThat(created.status()).as("creation with a refused password fails as a whole").isEqualTo(400);
        assertThat(count("SELECT COUNT(*) FROM " + db().userTable() + " WHERE email = 'policy-victim@example.com'"))
                .as("no partial user is left").isZero();
    }

    @Test
    void userCreatedInKeycloakIsInsertedAsTheAppWouldWriteIt() {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("username", "newbie@example.com");
        user.put("email", "newbie@example.com");
        user.put("enabled", true);
        user.put("credentials", List.of(Map.of("type", "password", "value", "Newbie-Secret-1", "temporary", false)));

        Http.Response created = realm.admin.post("/" + realm.name + "/users", user);

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String location = created.header("Location");
        String keycloakId = location.substring(location.lastIndexOf('/') + 1);
        assertThat(keycloakId).startsWith("f:" + componentId + ":");
        String appId = keycloakId.substring(keycloakId.lastIndexOf(':') + 1);
        assertThat(UUID.fromString(appId)).isNotNull();
        assertThat(column(appId, "email")).isEqualTo("newbie@example.com");
        assertThat(isTrue(column(appId, "is_active"))).isTrue();
        assertThat(isTrue(column(appId, "is_verified"))).isFalse();
        assertThat(column(appId, "plan")).isEqualTo("basic");
        String hash = (String) column(appId, "password_hash");
        assertThat(AppPython.verifies("argon2", "Newbie-Secret-1", hash)).isTrue();
        assertThat(realm.oidc.passwordGrant("newbie@example.com", "Newbie-Secret-1").status()).isEqualTo(200);
    }

    @Test
    void notNullColumnsWithoutADefaultAreNamedWhenSaving() {
        Http.Response response = realm.admin.createFederation(realm.name, "no-defaults", writable(schema));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errorMessage").asText())
                .contains("NOT NULL columns without a default that Keycloak cannot fill: plan")
                .contains("insertDefaults");
    }

    @Test
    void disablingAndEnablingWritesIsActive() {
        String erin = SeedUsers.user("erin@example.com").id();
        String carol = SeedUsers.user("carol@example.com").id();

        updateUser(keycloakId("erin@example.com"), u -> u.put("enabled", false));
        updateUser(keycloakId("carol@example.com"), u -> u.put("enabled", true));

        assertThat(isTrue(column(erin, "is_active"))).isFalse();
        assertThat(realm.oidc.passwordGrant("erin@example.com", "erin-Secret-5").json().get("error_description")
                .asText()).isEqualTo("Account disabled");
        assertThat(isTrue(column(carol, "is_active"))).isTrue();
        assertThat(realm.oidc.passwordGrant("carol@example.com", "carol-Secret-3").status()).isEqualTo(200);
    }

    @Test
    void verifiedEmailAndEmailChangesWriteTheirColumns() {
        String bob = SeedUsers.user("bob@example.com").id();

        updateUser(keycloakId("bob@example.com"), u -> u.put("emailVerified", true));
        updateUser(keycloakId("bob@example.com"), u -> u.put("email", "robert@example.com"));

        assertThat(isTrue(column(bob, "is_verified"))).isTrue();
        assertThat(column(bob, "email")).isEqualTo("robert@example.com");
        assertThat(realm.oidc.passwordGrant("robert@example.com", "bob-Secret-2").status()).isEqualTo(200);
    }

    @Test
    void duplicateEmailIsAClearConflictAndChangesNothing() {
        String dave = SeedUsers.user("dave@example.com").id();
        Object before = column(dave, "email");

        Http.Response response = updateUserResponse(keycloakId("dave@example.com"),
                u -> u.put("email", "erin@example.com"));

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.body()).containsIgnoringCase("email");
        assertThat(column(dave, "email")).isEqualTo(before);
    }

    @Test
    void attributeEditsWriteTheColumnAndBadValuesAreRefusedNamingTheType() {
        String erinKeycloak = keycloakId("erin@example.com");
        String erin = SeedUsers.user("erin@example.com").id();

        updateUser(erinKeycloak, u -> ((ObjectNode) u.with("attributes")).set("token_count",
                Http.JSON.valueToTree(List.of("43"))));
        Http.Response bad = updateUserResponse(erinKeycloak, u -> ((ObjectNode) u.with("attributes"))
                .set("token_count", Http.JSON.valueToTree(List.of("many"))));

        assertThat(((Number) column(erin, "token_count")).intValue()).isEqualTo(43);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).as("refused by the user profile, naming the attribute")
                .contains("\"field\":\"token_count\"").contains("error-invalid-number");
        assertThat(((Number) column(erin, "token_count")).intValue()).isEqualTo(43);
    }

    @Test
    void userEditsAMappedAttributeInTheAccountConsoleAndTheColumnChanges() {
        Http.Response shown = account(realm.oidc, realm.name, "liam@example.com", null);
        assertThat(shown.status()).as(shown.body()).isEqualTo(200);
        assertThat(shown.json().get("attributes").get("token_count").get(0).asText()).isEqualTo("5");
        assertThat(profileAttribute(shown.json(), "token_count").get("readOnly").asBoolean()).isFalse();
        assertThat(shown.body()).as("the hash is never shown").doesNotContain("password_hash").doesNotContain(DAVE_HASH);

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
        OidcClient oidc = new OidcClient(realm.server, other);
        Http.Response shown = account(oidc, other, "mona@example.com", null);
        assertThat(shown.status()).as(shown.body()).isEqualTo(200);

        Http.Response refused = account(oidc, other, "mona@example.com", withTokenCount(shown, "10"));

        assertThat(shown.json().get("attributes").get("token_count").get(0).asText()).isEqualTo("9");
        assertThat(profileAttribute(shown.json(), "token_count").get("readOnly").asBoolean()).isTrue();
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.body()).contains("\"field\":\"token_count\"").contains("error-user-attribute-read-only");
        assertThat(((Number) column(MONA.toString(), "token_count")).intValue()).isEqualTo(9);
    }

    @Test
    void anAttributeTheRealmsUserProfileDeclaresKeepsTheRealmsPermissions() {
        String other = realm.name + "_declared";
        otherRealm(other, writable(schema, "insertDefaults", "plan=basic"));
        ObjectNode profile = (ObjectNode) realm.admin.get("/" + other + "/users/profile").json();
        ((com.fasterxml.jackson.databind.node.ArrayNode) profile.get("attributes")).add(Http.JSON.valueToTree(Map.of(
                "name", "token_count", "permissions", Map.of("view", List.of("admin", "user"), "edit", List.of("admin")))));
        Http.Response declared = realm.admin.put("/" + other + "/users/profile", profile);
        assertThat(declared.status()).as(declared.body()).isEqualTo(200);
        OidcClient oidc = new OidcClient(realm.server, other);
        Http.Response shown = account(oidc, other, "mona@example.com", null);

        Http.Response refused = account(oidc, other, "mona@example.com", withTokenCount(shown, "10"));

        assertThat(profileAttribute(shown.json(), "token_count").get("readOnly").asBoolean()).isTrue();
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(((Number) column(MONA.toString(), "token_count")).intValue()).isEqualTo(9);
    }

    @Test
    void updateProfilePageShowsAndWritesAMappedAttribute() {
        FormFlow flow = new FormFlow().open(authUrl("&kc_action=UPDATE_PROFILE"))
                .submit(Map.of("username", "nina@example.com", "password", "dave-Secret-4"));
        assertThat(flow.html()).as("update profile page").contains("name=\"token_count\"").contains("value=\"11\"");

        flow.submit(Map.of("email", "nina@example.com", "token_count", "12"));

        assertThat(flow.redirect()).as("back at the app: %s", flow.html()).startsWith(OidcClient.REDIRECT_URI);
        assertThat(((Number) column(NINA.toString(), "token_count")).intValue()).isEqualTo(12);
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

    @Test
    void grantingAndRemovingAnAppRoleWritesUserRole() {
        String bobKeycloak = keycloakId("bob@example.com");
        String userRoles = "SELECT COUNT(*) FROM user_role WHERE user_id = "
                + (db() == AppDb.POSTGRES ? "'" + SeedUsers.user("bob@example.com").id() + "'"
                : "0x" + SeedUsers.user("bob@example.com").id().replace("-", ""));
        JsonNode admin = realm.admin.get("/" + realm.name + "/roles/admin").json();

        Http.Response granted = realm.admin.post("/" + realm.name + "/users/" + bobKeycloak + "/role-mappings/realm",
                List.of(admin));
        long afterGrant = count(userRoles);
        Http.Response again = realm.admin.post("/" + realm.name + "/users/" + bobKeycloak + "/role-mappings/realm",
                List.of(admin));
        long afterSecondGrant = count(userRoles);
        Http.Response removed = Http.send(java.net.http.HttpClient.newHttpClient(), Http.request(realm.server.baseUrl()
                        + "/admin/realms/" + realm.name + "/users/" + bobKeycloak + "/role-mappings/realm")
                .header("Authorization", "Bearer " + adminToken()).header("Content-Type", "application/json")
                .method("DELETE", java.net.http.HttpRequest.BodyPublishers.ofString(Http.json(List.of(admin)))).build());

        assertThat(granted.status()).as(granted.body()).isEqualTo(204);
        assertThat(again.status()).isEqualTo(204);
        assertThat(afterGrant).isEqualTo(2);
        assertThat(afterSecondGrant).as("no duplicate user_role row").isEqualTo(2);
        assertThat(removed.status()).as(removed.body()).isEqualTo(204);
        assertThat(count(userRoles)).isEqualTo(1);
    }

    @Test
    void grantingWritesUserRoleWithoutAnIdColumnOfItsOwn() {
        String otherSchema = db().createFixtureSchema("writable_noid");
        db().executeIn(otherSchema, db() == AppDb.POSTGRES
                ? "ALTER TABLE user_role DROP CONSTRAINT user_role_pkey;\nALTER TABLE user_role DROP COLUMN id;\n"
                        + "ALTER TABLE user_role ADD PRIMARY KEY (user_id, role_id);\n"
                : "ALTER TABLE user_role DROP PRIMARY KEY, DROP COLUMN id, ADD PRIMARY KEY (user_id, role_id);\n");
        String other = realm.name + "_noid";
        realm.admin.delete("/" + other);
        realm.admin.createRealm(other);
        String id = realm.admin.addFederation(other, writable(otherSchema));
        String bob = "/" + other + "/users/f:" + id + ":" + SeedUsers.user("bob@example.com").id() + "/role-mappings/realm";
        List<JsonNode> admin = List.of(realm.admin.get("/" + other + "/roles/admin").json());
        OidcClient oidc = new OidcClient(realm.server, other);

        Http.Response granted = realm.admin.post(bob, admin);
        Http.Response again = realm.admin.post(bob, admin);
        List<String> rolesAfterGrant = Http.texts(oidc.accessTokenClaims("bob@example.com", "bob-Secret-2")
                .path("realm_access").path("roles"));
        Http.Response removed = Http.send(java.net.http.HttpClient.newHttpClient(), Http.request(realm.server.baseUrl()
                        + "/admin/realms" + bob).header("Authorization", "Bearer " + adminToken())
                .header("Content-Type", "application/json")
                .method("DELETE", java.net.http.HttpRequest.BodyPublishers.ofString(Http.json(admin))).build());

        assertThat(granted.status()).as(granted.body()).isEqualTo(204);
        assertThat(again.status()).as(again.body()).isEqualTo(204);
        assertThat(rolesAfterGrant).contains("admin", "editor");
        assertThat(removed.status()).as(removed.body()).isEqualTo(204);
        assertThat(Http.texts(oidc.accessTokenClaims("bob@example.com", "bob-Secret-2").path("realm_access")
                .path("roles"))).as("the grant lived in user_role only, not in Keycloak's own storage")
                .contains("editor").doesNotContain("admin");
    }

    @Test
    void deletingAUserDeletesItsRowAndUserRoleRows() {
        String alice = SeedUsers.user("alice@example.com").id();

        Http.Response deleted = realm.admin.delete("/" + realm.name + "/users/" + keycloakId("alice@example.com"));

        assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
        assertThat(column(alice, "email")).isNull();
        assertThat(count("SELECT COUNT(*) FROM user_role WHERE user_id = " + (db() == AppDb.POSTGRES
                ? "'" + alice + "'" : "0x" + alice.replace("-", "")))).isZero();
    }

    @Test
    void deletingIsRefusedUnlessDeleteEnabled() {
        String other = realm.name + "_nodelete";
        String id = otherRealm(other, writable(schema, "insertDefaults", "plan=basic",
                "deleteEnabled", "false"));
        String dave = SeedUsers.user("dave@example.com").id();

        Http.Response response = realm.admin.delete("/" + other + "/users/f:" + id + ":" + dave);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).contains("User couldn't be deleted");
        assertThat(realm.server.log()).contains("was not deleted: deleting it would delete the app's row")
                .contains("deleteEnabled");
        assertThat(column(dave, "email")).isNotNull();
        assertThat(realm.admin.get("/" + other + "/users/f:" + id + ":" + dave).status())
                .as("the app user is still there for Keycloak").isEqualTo(200);
    }

    @Test
    void readOnlyModeRefusesPasswordChanges() {
        String other = realm.name + "_ro";
        String id = otherRealm(other, ItRealm.config("dbSchema", schema));
        String carol = SeedUsers.user("carol@example.com").id();
        Object before = column(carol, "password_hash");

        Http.Response response = resetPassword(other, "f:" + id + ":" + carol, "Carol-New-Secret-9");

        assertThat(response.status()).isEqualTo(400);
        assertThat(column(carol, "password_hash")).isEqualTo(before);
    }

    private String adminToken() {
        Http.Response response = Http.send(java.net.http.HttpClient.newHttpClient(), Http.request(realm.server.baseUrl()
                        + "/realms/master/protocol/openid-connect/token")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Http.form(Map.of("grant_type", "password",
                        "client_id", "admin-cli", "username", "admin", "password", "admin")))).build());
        return response.json().get("access_token").asText();
    }

    private void updateUser(String id, java.util.function.Consumer<ObjectNode> change) {
        Http.Response response = updateUserResponse(id, change);
        assertThat(response.status()).as(response.body()).isEqualTo(204);
    }

    private Http.Response updateUserResponse(String id, java.util.function.Consumer<ObjectNode> change) {
        ObjectNode user = (ObjectNode) realm.admin.get("/" + realm.name + "/users/" + id).json();
        change.accept(user);
        return realm.admin.put("/" + realm.name + "/users/" + id, user);
    }

    @org.junit.jupiter.api.AfterAll
    void logHoldsNoSecrets() {
        LogHygiene.assertNoSecretsIn(realm.server);
    }
}
