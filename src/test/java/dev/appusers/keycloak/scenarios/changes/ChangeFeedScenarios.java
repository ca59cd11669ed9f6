package dev.appusers.keycloak.scenarios.changes;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import dev.appusers.keycloak.it.AdminClient;
import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.ChangeTableScript;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.LogHygiene;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.SeedUsers;
import dev.appusers.keycloak.it.Target;

/**
 * The app's own changes take effect with Keycloak's DEFAULT cache policy. Two realms on one Keycloak: one whose app
 * schema has the change table (the feed evicts changed users within seconds, so refreshes are refused and refreshed
 * tokens lose revoked roles), one without it (still, every sign-in compares the cached user with the row it reads
 * for the password check and evicts a stale copy, so the sign-in itself uses the current row).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ChangeFeedScenarios {

    public static final String PASSWORD = "dave-Secret-4";
    /** The bound a change made in the app's tables must reach Keycloak's cache within (goal: 5 s at p95). */
    public static final long BOUND_MILLIS = 5_000;

    /** The app database of the target this class runs on. */
    AppDb db() {
        return Target.current().db();
    }

    ItRealm realm;
    String schema;
    String componentName;
    String componentId;
    String plainSchema;
    String plainRealm;
    String plainComponentId;
    OidcClient plain;

    @BeforeAll
    void setUp() {
        realm = ItRealm.create(getClass());
        schema = db().createFixtureSchema("changes");
        db().lightenSeedHashes(schema);
        ChangeTableScript.install(db(), schema);
        componentName = "feed-" + db().name().toLowerCase();
        Http.Response created = realm.admin.createFederation(realm.name, componentName,
                Map.of("cachePolicy", "DEFAULT", "dbSchema", schema));
        AdminClient.expect(created, 201, "component with a change feed");
        String location = created.header("Location");
        componentId = location.substring(location.lastIndexOf('/') + 1);

        plainSchema = db().createFixtureSchema("nochanges");
        db().lightenSeedHashes(plainSchema);
        plainRealm = realm.name + "_plain";
        realm.admin.deleteIfPresent("/" + plainRealm);
        realm.admin.createRealm(plainRealm);
        plainComponentId = realm.admin.addFederation(plainRealm, Map.of("cachePolicy", "DEFAULT",
                "dbSchema", plainSchema));
        plain = new OidcClient(realm.server, plainRealm);
    }

    /** The realms go, and their components with them: no feed polls into the next test class's statements. */
    @AfterAll
    void removeRealms() {
        realm.admin.deleteOk("/" + realm.name);
        realm.admin.deleteOk("/" + plainRealm);
    }

    @AfterAll
    void logHoldsNoSecrets() {
        LogHygiene.assertNoSecretsIn(realm);
    }

    @Test
    void theAdminFormSaysWhetherTheFeedIsActive() {
        assertThat(status(realm.name, componentId)).startsWith("active: app_users_changes polled every 1 s; waits for "
                + "every open transaction");
        assertThat(status(plainRealm, plainComponentId)).startsWith("not installed: ").contains("app_users_changes");
    }

    private String status(String realmName, String id) {
        return realm.admin.component(realmName, id).path("config").path("changeFeed").path(0).asText();
    }

    // ---- at sign-in, without the change table: the current row decides ----

    @Test
    void aUserDisabledInTheAppIsRefusedAtTheNextSignIn() {
        String email = newUser(plainSchema, "editor");
        assertThat(plain.passwordGrant(email, PASSWORD).status()).as("signed in and cached").isEqualTo(200);

        execute(plainSchema, "UPDATE " + db().userTable() + " SET is_active = false WHERE email = ?", email);

        Http.Response refused = plain.passwordGrant(email, PASSWORD);
        assertThat(refused.status()).as("refused at once: %s", refused.body()).isIn(OidcClient.REFUSED);
        Http.Response again = plain.passwordGrant(email, PASSWORD);
        assertThat(again.json().path("error_description").asText()).as("the cached copy was evicted")
                .isEqualTo("Account disabled");
    }

    @Test
    void aDeletedUserIsUnknownAtTheNextSignIn() {
        String email = newUser(plainSchema, "editor");
        String id = plain.accessTokenClaims(email, PASSWORD).path("sub").asText();

        deleteUser(plainSchema, email);

        assertThat(plain.passwordGrant(email, PASSWORD).status()).isIn(OidcClient.REFUSED);
        assertThat(realm.admin.get("/" + plainRealm + "/users/" + id).status()).isEqualTo(404);
    }

    @Test
    void theNextSignInCarriesTheCurrentRolesAndEmail() {
        String email = newUser(plainSchema, "editor");
        assertThat(realmRoles(plain.accessTokenClaims(email, PASSWORD))).contains("editor");

        execute(plainSchema, "DELETE FROM user_role WHERE user_id = (SELECT id FROM " + db().userTable()
                + " WHERE email = ?)", email);
        assertThat(realmRoles(plain.accessTokenClaims(email, PASSWORD))).as("role revoked in the app")
                .doesNotContain("editor");

        String renamed = "renamed-" + email;
        execute(plainSchema, "UPDATE " + db().userTable() + " SET email = ? WHERE email = ?", renamed, email);
        JsonNode claims = plain.accessTokenClaims(renamed, PASSWORD);
        assertThat(claims.path("email").asText()).isEqualTo(renamed);
        assertThat(claims.path("preferred_username").asText()).isEqualTo(renamed);
    }

    // ---- between sign-ins, with the change table: refreshes see the change within the bound ----

    @Test
    void aUserDisabledInTheAppCannotRefreshOnceTheFeedEvictsIt() {
        String email = newUser(schema, "editor");
        String refreshToken = signIn(email);
        assertThat(realm.oidc.refresh(refreshToken).status()).as("cached and refreshing").isEqualTo(200);

        long start = System.nanoTime();
        execute(schema, "UPDATE " + db().userTable() + " SET is_active = false WHERE email = ?", email);

        long millis = awaitRefresh(refreshToken, r -> r.status() != 200);
        assertThat(millis).as("refresh refused after %d ms", millis).isLessThanOrEqualTo(BOUND_MILLIS);
        assertThat(realm.log()).contains("Change feed of " + componentName + ": 1 users changed, 1 cached here evicted");
        System.out.printf("change feed (%s): disable seen by refresh after %d ms%n", db(), millis(start));
    }

    @Test
    void aRoleRevokedInTheAppIsMissingFromTheNextRefreshedToken() {
        String email = newUser(schema, "editor");
        String refreshToken = signIn(email);

        execute(schema, "DELETE FROM user_role WHERE user_id = (SELECT id FROM " + db().userTable()
                + " WHERE email = ?)", email);

        long millis = awaitRefresh(refreshToken, r -> r.status() == 200
                && !realmRoles(OidcClient.claims(r.json().path("access_token").asText())).contains("editor"));
        assertThat(millis).isLessThanOrEqualTo(BOUND_MILLIS);
    }

    @Test
    void theSessionOfAUserDeletedInTheAppEnds() {
        String email = newUser(schema, "editor");
        String refreshToken = signIn(email);

        deleteUser(schema, email);

        long millis = awaitRefresh(refreshToken, r -> r.status() != 200);
        assertThat(millis).isLessThanOrEqualTo(BOUND_MILLIS);
    }

    // ---- the table itself: truncated, or holding a row the feed cannot read ----

    @Test
    void aTruncatedChangeTableIsNoticedOnceAndTheFeedGoesOnFromItsNewNumbers() {
        String before = newUser(schema, "editor");
        String token = signIn(before);
        sleep(1_500);

        execute(schema, db() == AppDb.POSTGRES ? "TRUNCATE app_users_changes RESTART IDENTITY"
                : "TRUNCATE TABLE app_users_changes");
        sleep(3_000);
        String email = newUser(schema, "editor");
        String refreshToken = signIn(email);
        execute(schema, "UPDATE " + db().userTable() + " SET is_active = false WHERE email = ?", email);

        long millis = awaitRefresh(refreshToken, r -> r.status() != 200);
        assertThat(millis).as("the feed goes on after the truncation").isLessThanOrEqualTo(BOUND_MILLIS);
        assertThat(realm.oidc.refresh(token).status()).as("a user cached before, unchanged").isEqualTo(200);
        sleep(2_000);
        String noticed = "Change feed of " + componentName + ": the change table";
        assertThat(PostgresChangeFeedScenarios.count(realm.log(), noticed)).as("one warning: %s", noticed).isEqualTo(1);
    }

    @Test
    void aRowWhoseUserIdCannotBeReadIsSkippedWithOneWarningAndTheFeedGoesOn() {
        String badSchema = db().createFixtureSchema("badrows");
        ChangeTableScript.install(db(), badSchema);
        // the change table of an app whose ids are text, and a row that is no id at all
        execute(badSchema, db() == AppDb.POSTGRES ? "ALTER TABLE app_users_changes ALTER COLUMN user_id TYPE varchar(36)"
                : "ALTER TABLE app_users_changes MODIFY user_id VARBINARY(16) NULL");
        String badRealm = realm.name + "_badrows";
        realm.admin.deleteIfPresent("/" + badRealm);
        realm.admin.createRealm(badRealm);
        realm.admin.createFederation(badRealm, "feed-badrows", Map.of("cachePolicy", "DEFAULT", "dbSchema", badSchema));
        OidcClient bad = new OidcClient(realm.server, badRealm);
        try {
            String email = newUser(badSchema, "editor");
            String refreshToken = AdminClient.expect(bad.passwordGrant(email, PASSWORD), 200, "sign-in")
                    .json().path("refresh_token").asText();
            execute(badSchema, "INSERT INTO app_users_changes (user_id) VALUES (" + (db() == AppDb.POSTGRES
                    ? "'not-a-uuid'" : "X'0102'") + ")");
            execute(badSchema, "UPDATE " + db().userTable() + " SET is_active = false WHERE email = ?", email);

            long start = System.nanoTime();
            while (bad.refresh(refreshToken).status() == 200 && millis(start) < 15_000) {
                sleep(100);
            }
            assertThat(millis(start)).as("the user changed after the bad row is evicted").isLessThan(BOUND_MILLIS);
            sleep(2_000);
            assertThat(PostgresChangeFeedScenarios.count(realm.log(), "Change feed of feed-badrows: change "))
                    .as("one warning naming the row").isEqualTo(1);
            assertThat(realm.log()).containsPattern("Change feed of feed-badrows: change \\d+ of app_users_changes "
                    + "names no user id of the user table; skipped");
        } finally {
            realm.admin.deleteOk("/" + badRealm);
        }
    }

    String signIn(String email) {
        Http.Response login = realm.oidc.passwordGrant(email, PASSWORD);
        AdminClient.expect(login, 200, "sign-in of " + email);
        return login.json().path("refresh_token").asText();
    }

    /** Refreshes every 100 ms until {@code done} holds; @return the milliseconds it took, or fails after 15 s */
    long awaitRefresh(String refreshToken, Predicate<Http.Response> done) {
        long start = System.nanoTime();
        while (millis(start) < 15_000) {
            Http.Response response = realm.oidc.refresh(refreshToken);
            if (done.test(response)) {
                return millis(start);
            }
            if (response.status() == 200) {
                refreshToken = response.json().path("refresh_token").asText(refreshToken);
            }
            sleep(100);
        }
        throw new AssertionError("the change did not reach Keycloak's cache within 15 s");
    }

    static long millis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static List<String> realmRoles(JsonNode claims) {
        return Http.texts(claims.path("realm_access").path("roles"));
    }

    /** A new active app user with dave's password and the given app roles; @return its email */
    String newUser(String inSchema, String... roles) {
        UUID id = UUID.randomUUID();
        String email = "change-" + id.toString().substring(0, 8) + "@example.com";
        db().insertUser(inSchema, id, email, SeedUsers.DAVE_HASH, true, true);
        for (String role : roles) {
            execute(inSchema, "INSERT INTO user_role (id, user_id, role_id) SELECT ?, ?, id FROM role WHERE name = ?",
                    db().idValue(UUID.randomUUID()), db().idValue(id), role);
        }
        return email;
    }

    void deleteUser(String inSchema, String email) {
        execute(inSchema, "DELETE FROM user_role WHERE user_id = (SELECT id FROM " + db().userTable()
                + " WHERE email = ?)", email);
        execute(inSchema, "DELETE FROM " + db().userTable() + " WHERE email = ?", email);
    }

    void execute(String inSchema, String sql, Object... parameters) {
        try (Connection c = db().connectTo(inSchema); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i]);
            }
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
