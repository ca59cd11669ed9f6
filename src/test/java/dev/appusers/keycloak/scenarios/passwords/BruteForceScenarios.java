package dev.appusers.keycloak.scenarios.passwords;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.appusers.keycloak.it.AdminClient;
import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.AttackDetection;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.LogHygiene;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.it.SeedUsers;
import dev.appusers.keycloak.it.Target;

/**
 * Keycloak's brute-force detection on app users, with the component's cache on (DEFAULT): in each of the four modes
 * (live or imported, READ_ONLY or WRITABLE, one realm each), failures are counted, a temporary or permanent lockout
 * holds against the right password, the admin sees it and lifts it, and the app's row is never written. A user the
 * app disabled after Keycloak cached it is told "Account disabled" at once, and that is no failure. A hash over the
 * component's raised {@code hashCostLimits} is refused with a warning, imported users included. A sign-in told to try
 * again because every hashing slot stayed busy (no failure either) is {@link BusySlotScenarios}.
 */
@On.Postgres
@On.Mariadb
@On.PostgresPrevious
@On.PostgresOldest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BruteForceScenarios {

    /** The app database of the target this class runs on. */
    AppDb db() {
        return Target.current().db();
    }

    enum Mode {
        LIVE_READ_ONLY(false, false), LIVE_WRITABLE(true, false), IMPORTED_READ_ONLY(false, true),
        IMPORTED_WRITABLE(true, true);

        final boolean writable;
        final boolean imported;

        Mode(boolean writable, boolean imported) {
            this.writable = writable;
            this.imported = imported;
        }

        String email(String kind) {
            return "lock-" + name().toLowerCase().replace('_', '-') + "-" + kind + "@example.com";
        }
    }

    private static final String PASSWORD = "dave-Secret-4";
    private static final String WRONG = "dave-Secret-X";
    private static final int FAILURES = 3;

    /** passlib pbkdf2-sha256 of {@link #BUSY_PASSWORD} with 2,500,000 rounds: over the default ceiling (2,000,000). */
    static final String SLOW_HASH = "$pbkdf2-sha256$2500000$ca51LoUwJoSQkjIG4FyrtQ"
            + "$nJgCOcBDNg7lLjer/mhRAXczX.JE/Qwex7Jo8/zeFZM";
    /** The same with 4,000,000 rounds claimed: over the raised ceiling, refused before anything is computed. */
    private static final String OVER_HASH = SLOW_HASH.replace("$2500000$", "$4000000$");
    static final String BUSY_PASSWORD = "busy-Secret-7";
    /** The components' setting: the slow hashes verify. */
    static final String RAISED_LIMITS = "pbkdf2=3000000";
    ItRealm realm;
    String schema;
    final Map<Mode, String> realms = new LinkedHashMap<>();
    final Map<Mode, OidcClient> clients = new LinkedHashMap<>();
    final Map<Mode, String> components = new LinkedHashMap<>();
    final Map<Mode, String> overLimitIds = new LinkedHashMap<>();

    @BeforeAll
    void setUp() {
        realm = ItRealm.create(getClass());
        schema = db().createFixtureSchema("bruteforce");
        for (Mode mode : Mode.values()) {
            for (String kind : List.of("permanent", "temporary", "disabled", "disabled-form")) {
                db().insertUser(schema, UUID.randomUUID(), mode.email(kind), SeedUsers.DAVE_HASH, true, true);
            }
            UUID overLimit = UUID.randomUUID();
            db().insertUser(schema, overLimit, mode.email("over-limit"), OVER_HASH, true, true);
            overLimitIds.put(mode, overLimit.toString());
            String name = realm.name + "_" + mode.name().toLowerCase();
            realm.admin.deleteIfPresent("/" + name);
            realm.admin.createRealm(name);
            components.put(mode, realm.admin.addFederation(name, ItRealm.config("dbSchema", schema,
                    "cachePolicy", "DEFAULT", "editMode", mode.writable ? "WRITABLE" : "READ_ONLY", "importEnabled",
                    String.valueOf(mode.imported), "hashCostLimits", RAISED_LIMITS)));
            realms.put(mode, name);
            clients.put(mode, new OidcClient(realm.server, name));
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void permanentLockoutCountsHoldsShowsAndIsLiftedByEnablingTheUser(Mode mode) {
        bruteForce(mode, true);
        String email = mode.email("permanent");
        String id = signIn(mode, email);
        Map<String, Object> row = row(email);

        failTimes(mode, email, id);
        JsonNode status = awaitStatus(mode, id, s -> s.path("numFailures").asInt() >= FAILURES
                && s.path("disabled").asBoolean());

        assertThat(status.path("numFailures").asInt()).as("failures counted").isEqualTo(FAILURES);
        assertThat(clients.get(mode).passwordGrant(email, PASSWORD).status()).as("the right password while locked")
                .isIn(OidcClient.REFUSED);
        assertThat(user(mode, id).path("enabled").asBoolean()).as("the user's page shows it disabled").isFalse();
        assertThat(row(email)).as("the app's row is not written").isEqualTo(row);

        ObjectNode rep = (ObjectNode) user(mode, id);
        rep.put("enabled", true);
        AdminClient.expect(realm.admin.put("/" + realms.get(mode) + "/users/" + id, rep), 204, "enable the user");

        assertThat(status(mode, id).path("disabled").asBoolean()).isFalse();
        assertThat(user(mode, id).path("enabled").asBoolean()).isTrue();
        assertThat(clients.get(mode).passwordGrant(email, PASSWORD).status()).as("unlocked").isEqualTo(200);
        assertThat(row(email)).as("the app's row is not written").isEqualTo(row);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void temporaryLockoutCountsHoldsShowsAndIsLiftedByTheAdmin(Mode mode) {
        bruteForce(mode, false);
        String email = mode.email("temporary");
        String id = signIn(mode, email);
        Map<String, Object> row = row(email);

        failTimes(mode, email, id);
        JsonNode status = awaitStatus(mode, id, s -> s.path("numFailures").asInt() >= FAILURES
                && s.path("disabled").asBoolean());

        assertThat(status.path("numFailures").asInt()).isEqualTo(FAILURES);
        assertThat(clients.get(mode).passwordGrant(email, PASSWORD).status()).as("the right password while locked")
                .isIn(OidcClient.REFUSED);

        AdminClient.expect(realm.admin.delete("/" + realms.get(mode) + "/attack-detection/brute-force/users/" + id),
                204, "unlock");

        assertThat(status(mode, id).path("numFailures").asInt()).isZero();
        assertThat(clients.get(mode).passwordGrant(email, PASSWORD).status()).as("unlocked").isEqualTo(200);
        assertThat(row(email)).as("the app's row is not written").isEqualTo(row);
    }

    @Test
    void aUserTheAppDisabledAfterKeycloakCachedItIsToldAccountDisabledByDirectGrant() {
        Mode mode = Mode.LIVE_READ_ONLY;
        bruteForce(mode, true);
        String email = mode.email("disabled");
        String id = signIn(mode, email);
        setActive(email, false);
        try {
            Http.Response refused = clients.get(mode).passwordGrant(email, PASSWORD);

            assertThat(refused.status()).as(refused.body()).isEqualTo(400);
            assertThat(refused.json().path("error").asText()).isEqualTo("invalid_grant");
            assertThat(refused.json().path("error_description").asText()).isEqualTo("Account disabled");
        } finally {
            setActive(email, true);
        }
        assertThat(clients.get(mode).passwordGrant(email, WRONG).status()).isIn(OidcClient.REFUSED);
        assertThat(awaitStatus(mode, id, s -> s.path("numFailures").asInt() >= 1).path("numFailures").asInt())
                .as("only the wrong password counted").isEqualTo(1);
    }

    @Test
    void aUserTheAppDisabledAfterKeycloakCachedItIsToldAccountDisabledOnTheLoginPage() {
        Mode mode = Mode.LIVE_WRITABLE;
        bruteForce(mode, true);
        String email = mode.email("disabled-form");
        OidcClient.CodeFlowResult first = clients.get(mode).codeFlow(email, PASSWORD);
        assertThat(first.tokenResponse()).as("signed in and cached: %s", first.loginPageHtml()).isNotNull();
        String id = OidcClient.claims(first.tokenResponse().json().get("access_token").asText()).path("sub").asText();
        setActive(email, false);
        try {
            OidcClient.CodeFlowResult refused = clients.get(mode).codeFlow(email, PASSWORD);

            assertThat(refused.tokenResponse()).isNull();
            assertThat(refused.loginPageHtml()).contains("Account is disabled");
        } finally {
            setActive(email, true);
        }
        assertThat(clients.get(mode).passwordGrant(email, WRONG).status()).isIn(OidcClient.REFUSED);
        assertThat(awaitStatus(mode, id, s -> s.path("numFailures").asInt() >= 1).path("numFailures").asInt())
                .as("only the wrong password counted").isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aHashOverTheComponentsRaisedLimitIsRefusedWithAWarningNamingTheUserAndTheSetting(Mode mode) {
        Http.Response refused = clients.get(mode).passwordGrant(mode.email("over-limit"), BUSY_PASSWORD);

        assertThat(refused.status()).isIn(OidcClient.REFUSED);
        assertThat(refused.json().path("error_description").asText()).isEqualTo("Invalid user credentials");
        assertThat(realm.log().lines().filter(line -> line.contains("WARN")
                && line.contains("User " + overLimitIds.get(mode) + " cannot sign in")).toList())
                .as("one warning naming the user, the ceiling and the setting").singleElement().asString()
                .contains("rounds=4000000 is over the ceiling pbkdf2=3000000", "hashCostLimits");
    }

    /** Brute-force detection on the mode's realm, small and quick: {@value #FAILURES} failures lock the user out. */
    private void bruteForce(Mode mode, boolean permanent) {
        bruteForce(realm.admin, realms.get(mode), permanent);
    }

    /** Brute-force detection on {@code realmName}, small and quick: {@value #FAILURES} failures lock the user out. */
    static void bruteForce(AdminClient admin, String realmName, boolean permanent) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("bruteForceProtected", true);
        settings.put("permanentLockout", permanent);
        settings.put("maxTemporaryLockouts", 0);
        settings.put("failureFactor", FAILURES);
        settings.put("waitIncrementSeconds", 60);
        settings.put("maxFailureWaitSeconds", 60);
        settings.put("maxDeltaTimeSeconds", 3600);
        settings.put("quickLoginCheckMilliSeconds", 1);
        settings.put("minimumQuickLoginWaitSeconds", 1);
        AdminClient.expect(admin.put("/" + realmName, settings), 204, "brute-force settings");
    }

    /** Signs in once (Keycloak caches the user, and imports it in import mode); returns its Keycloak id. */
    private String signIn(Mode mode, String email) {
        Http.Response grant = clients.get(mode).passwordGrant(email, PASSWORD);
        AdminClient.expect(grant, 200, "sign-in of " + email);
        return OidcClient.claims(grant.json().get("access_token").asText()).path("sub").asText();
    }

    /**
     * {@value #FAILURES} wrong passwords, each sent once Keycloak counted the one before and no short wait it may
     * impose between quick failures ({@code minimumQuickLoginWaitSeconds}) holds: a wrong password sent while
     * Keycloak holds the user back is refused without being counted (seen once on 26.4).
     */
    private void failTimes(Mode mode, String email, String id) {
        for (int i = 1; i <= FAILURES; i++) {
            Http.Response refused = clients.get(mode).passwordGrant(email, WRONG);
            assertThat(refused.json().path("error_description").asText()).isEqualTo("Invalid user credentials");
            int counted = i;
            if (i < FAILURES) {
                awaitStatus(mode, id, s -> s.path("numFailures").asInt() >= counted
                        && !s.path("disabled").asBoolean());
            }
        }
    }

    private JsonNode status(Mode mode, String id) {
        return AttackDetection.status(realm.admin, realms.get(mode), id);
    }

    private JsonNode awaitStatus(Mode mode, String id, Predicate<JsonNode> reached) {
        return AttackDetection.await(realm.admin, realms.get(mode), id, reached);
    }

    private JsonNode user(Mode mode, String id) {
        return realm.admin.getJson("/" + realms.get(mode) + "/users/" + id);
    }

    private void setActive(String email, boolean active) {
        db().executeIn(schema, "UPDATE " + db().userTable() + " SET is_active = " + active + " WHERE email = '"
                + email + "';\n");
    }

    /** The whole app row of a user, read straight from the app database. */
    private Map<String, Object> row(String email) {
        try (Connection c = db().connectTo(schema); PreparedStatement s = c.prepareStatement(
                "SELECT * FROM " + db().userTable() + " WHERE email = ?")) {
            s.setString(1, email);
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).as("row of %s", email).isTrue();
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    Object value = rs.getObject(i);
                    row.put(rs.getMetaData().getColumnName(i), value instanceof byte[] b ? UUID.nameUUIDFromBytes(b)
                            : value);
                }
                return row;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    void logHoldsNoExceptionAndNoSecret() {
        String log = realm.log();
        assertThat(log.lines().filter(line -> line.contains("Exception")).toList())
                .as("no exception reaches the log").isEmpty();
        LogHygiene.assertNoSecretsIn(realm);
    }
}
