package dev.appusers.keycloak.scenarios.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

import dev.appusers.keycloak.it.AdminClient;
import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.ChangeTableScript;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.LogHygiene;
import dev.appusers.keycloak.it.MetricsPage;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.it.SeedUsers;
import dev.appusers.keycloak.it.Target;
import dev.appusers.keycloak.it.TcpProxy;

/**
 * The provider's own meters on Keycloak's /metrics (management port, {@code --metrics-enabled=true}), read the way
 * Prometheus scrapes them while sign-ins, an app-database outage, a change-feed eviction and a sync are driven: each
 * meter moves as docs/operations.md says, with the names of the alert rules' contract, realm and component tags,
 * and no user's name in any tag. Three realms, one component each: live (NO_CACHE), feed (DEFAULT with the change
 * table) and import. PostgreSQL only: the outage is cut in the test proxy.
 */
@On.Postgres
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsScenarios {

    static final String PASSWORD = "dave-Secret-4";
    /**
     * Every name the provider may show, as in the table of docs/operations.md, which the alert rules and the dashboard
     * are checked against.
     */
    static final Set<String> CONTRACT = Set.of(
            "app_users_db_calls_seconds_count", "app_users_db_calls_seconds_sum", "app_users_db_calls_seconds_max",
            "app_users_db_failures_total", "app_users_db_available",
            "app_users_password_verifications_seconds_bucket", "app_users_password_verifications_seconds_count",
            "app_users_password_verifications_seconds_sum", "app_users_password_verifications_seconds_max",
            "app_users_hashing_slot_waits_seconds_count", "app_users_hashing_slot_waits_seconds_sum",
            "app_users_hashing_slot_waits_seconds_max", "app_users_hashing_slot_refusals_total",
            "app_users_unknown_user_waits_seconds_count", "app_users_unknown_user_waits_seconds_sum",
            "app_users_unknown_user_waits_seconds_max",
            "app_users_change_feed_evicted_users_total", "app_users_change_feed_lag_seconds_bucket",
            "app_users_change_feed_lag_seconds_count", "app_users_change_feed_lag_seconds_sum",
            "app_users_change_feed_lag_seconds_max", "app_users_change_feed_last_poll_age_seconds",
            "app_users_sync_users_total", "app_users_sync_last_duration_seconds");

    ItRealm realm;
    String feedRealm;
    String importRealm;
    String feedSchema;
    String importSchema;
    String importComponentId;
    OidcClient feed;
    OidcClient imports;

    /** The app database of the target this class runs on. */
    AppDb db() {
        return Target.current().db();
    }

    @BeforeAll
    void setUp() {
        realm = ItRealm.create(getClass());
        realm.admin.addFederation(realm.name, ItRealm.config());

        feedRealm = realm.name + "_feed";
        feedSchema = db().createFixtureSchema("metricsfeed");
        ChangeTableScript.install(db(), feedSchema);
        realm.admin.deleteIfPresent("/" + feedRealm);
        realm.admin.createRealm(feedRealm);
        AdminClient.expect(realm.admin.createFederation(feedRealm, "feed", Map.of("cachePolicy", "DEFAULT",
                "dbSchema", feedSchema)), 201, "component with a change feed");
        feed = new OidcClient(realm.server, feedRealm);

        importRealm = realm.name + "_import";
        importSchema = db().createFixtureSchema("metricsimport");
        realm.admin.deleteIfPresent("/" + importRealm);
        realm.admin.createRealm(importRealm);
        Http.Response created = realm.admin.createFederation(importRealm, "imports", Map.of("cachePolicy", "NO_CACHE",
                "dbSchema", importSchema, "importEnabled", "true"));
        AdminClient.expect(created, 201, "import component");
        importComponentId = created.header("Location").substring(created.header("Location").lastIndexOf('/') + 1);
        imports = new OidcClient(realm.server, importRealm);
    }

    @AfterAll
    void removeRealms() {
        realm.admin.deleteOk("/" + feedRealm);
        realm.admin.deleteOk("/" + importRealm);
    }

    private MetricsPage metrics() {
        return MetricsPage.of(realm.server);
    }

    private String[] live(String... more) {
        String[] tags = new String[more.length + 4];
        tags[0] = "realm";
        tags[1] = realm.name;
        tags[2] = "component";
        tags[3] = "app-users";
        System.arraycopy(more, 0, tags, 4, more.length);
        return tags;
    }

    @Test
    @Order(1)
    void signInsAreTimedBySchemeAndOutcomeWithBucketsAndNoUserInATag() {
        MetricsPage before = metrics();

        assertThat(realm.oidc.passwordGrant("alice@example.com", "alice-Secret-1").status()).isEqualTo(200);
        assertThat(realm.oidc.passwordGrant("alice@example.com", "wrong-Secret-1").status())
                .isIn(OidcClient.REFUSED);
        String nobody = "nobody-" + UUID.randomUUID() + "@example.com";
        assertThat(realm.oidc.passwordGrant(nobody, "nobody-Secret-9").status()).isIn(OidcClient.REFUSED);

        MetricsPage after = metrics();
        String verifications = "app_users_password_verifications_seconds_count";
        assertThat(delta(before, after, verifications, live("outcome", "match"))).isEqualTo(1);
        assertThat(delta(before, after, verifications, live("outcome", "mismatch"))).isEqualTo(1);
        assertThat(after.find(verifications, live("outcome", "match"))).singleElement()
                .satisfies(s -> assertThat(s.labels().get("scheme")).isIn("argon2", "bcrypt", "bcrypt-sha256",
                        "pbkdf2-sha256", "pbkdf2-sha512", "sha256-crypt", "sha512-crypt"));
        assertThat(after.find("app_users_password_verifications_seconds_bucket", live("outcome", "match")))
                .extracting(s -> s.labels().get("le"))
                .containsExactlyInAnyOrder("0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0", "30.0", "+Inf");
        assertThat(delta(before, after, "app_users_unknown_user_waits_seconds_count", live()))
                .as("the unknown user's wait, waited or skipped").isGreaterThanOrEqualTo(1);
        assertThat(delta(before, after, "app_users_hashing_slot_waits_seconds_count"))
                .as("slots taken for the two verifications").isGreaterThanOrEqualTo(2);
        assertThat(delta(before, after, "app_users_db_calls_seconds_count",
                live("operation", "user_lookup", "outcome", "success"))).isGreaterThanOrEqualTo(3);
        assertThat(after.sum("app_users_db_available", live())).isEqualTo(1.0);
        assertThat(after.startingWith("app_users_")).as("no user id, email or username in a tag")
                .allSatisfy(s -> assertThat(s.labels().values())
                        .noneMatch(v -> v.contains("@") || v.contains("alice")));
    }

    @Test
    @Order(2)
    void anOutageCountsFailuresAndTheComponentShowsUnavailableUntilTheDatabaseIsBack() {
        TcpProxy database = AppDb.postgresProxy();
        MetricsPage before = metrics();
        database.cut();
        MetricsPage during;
        try {
            assertThat(realm.oidc.passwordGrant("alice@example.com", "alice-Secret-1").status()).isBetween(400, 499);
            during = metrics();
        } finally {
            database.restore();
        }
        assertThat(delta(before, during, "app_users_db_failures_total", live("kind", "unavailable")))
                .isGreaterThanOrEqualTo(1);
        assertThat(delta(before, during, "app_users_db_calls_seconds_count", live("outcome", "failure")))
                .isGreaterThanOrEqualTo(1);
        assertThat(during.sum("app_users_db_available", live())).isZero();

        assertThat(realm.oidc.passwordGrant("alice@example.com", "alice-Secret-1").status()).isEqualTo(200);
        assertThat(metrics().sum("app_users_db_available", live())).as("back").isEqualTo(1.0);
    }

    @Test
    @Order(3)
    void aChangeFeedEvictionIsCountedWithItsLagAndThePollAgeStaysSmall() throws InterruptedException {
        String[] feedTags = {"realm", feedRealm, "component", "feed"};
        String email = newUser(feedSchema);
        Thread.sleep(3_000); // the insert's own change row is applied before the user is cached
        String refresh = feed.passwordGrant(email, PASSWORD).json().path("refresh_token").asText();
        assertThat(refresh).as("signed in and cached").isNotEmpty();
        MetricsPage before = metrics();

        execute(feedSchema, "UPDATE " + db().userTable() + " SET is_active = false WHERE email = ?", email);

        MetricsPage after = before;
        String evicted = "app_users_change_feed_evicted_users_total";
        for (int i = 0; i < 30 && delta(before, after, evicted, feedTags) < 1; i++) {
            Thread.sleep(500);
            after = metrics();
        }
        assertThat(delta(before, after, "app_users_change_feed_evicted_users_total", feedTags)).isEqualTo(1);
        assertThat(delta(before, after, "app_users_change_feed_lag_seconds_count", feedTags)).isGreaterThanOrEqualTo(1);
        double lag = after.sum("app_users_change_feed_lag_seconds_max", feedTags);
        assertThat(lag).as("upper bound of the lag: about one poll interval").isBetween(0.0, 15.0);
        assertThat(after.sum("app_users_change_feed_last_poll_age_seconds", feedTags)).isBetween(0.0, 10.0);
        assertThat(delta(before, after, "app_users_db_calls_seconds_count",
                "realm", feedRealm, "operation", "change_feed_poll", "outcome", "success")).isGreaterThanOrEqualTo(1);
    }

    @Test
    @Order(4)
    void aSyncCountsItsUsersAndDurationAndAnImportedHashCheckIsTimed() {
        String[] importTags = {"realm", importRealm, "component", "imports"};
        MetricsPage before = metrics();

        Http.Response sync = realm.admin.post("/" + importRealm + "/user-storage/" + importComponentId
                + "/sync?action=triggerFullSync", "");
        assertThat(sync.status()).as(sync.body()).isEqualTo(200);
        JsonNode result = sync.json();
        MetricsPage after = metrics();

        assertThat(result.path("added").asInt()).isPositive();
        assertThat(delta(before, after, "app_users_sync_users_total", concat(importTags, "result", "added")))
                .isEqualTo(result.path("added").asInt());
        assertThat(after.find("app_users_sync_users_total", importTags)).extracting(s -> s.labels().get("result"))
                .containsExactlyInAnyOrder("added", "updated", "removed", "failed");
        assertThat(after.sum("app_users_sync_last_duration_seconds", importTags)).isPositive();
        assertThat(delta(before, after, "app_users_db_calls_seconds_count",
                concat(importTags, "operation", "sync_page", "outcome", "success"))).isGreaterThanOrEqualTo(1);

        assertThat(imports.passwordGrant("alice@example.com", "alice-Secret-1").status()).isEqualTo(200);
        assertThat(delta(after, metrics(), "app_users_password_verifications_seconds_count",
                concat(importTags, "outcome", "match"))).as("the imported app hash, checked once").isEqualTo(1);
    }

    @Test
    @Order(5)
    void everyNameIsTheContractsAndEachMovedOne() {
        Set<String> shown = metrics().names("app_users_");

        assertThat(CONTRACT).containsAll(shown);
        assertThat(shown).as("every meter but the slot refusals (no refusal was provoked)")
                .containsAll(CONTRACT.stream().filter(n -> !n.startsWith("app_users_hashing_slot_refusals")).toList());
    }

    @Test
    @Order(6)
    void aDeletedComponentLeavesNoSeries() {
        String id = componentId(feedRealm);
        assertThat(metrics().find("app_users_db_available", "realm", feedRealm)).isNotEmpty();

        realm.admin.deleteOk("/" + feedRealm + "/components/" + id);

        assertThat(metrics().startingWith("app_users_")).noneMatch(s -> feedRealm.equals(s.labels().get("realm")));
    }

    private String componentId(String realmName) {
        JsonNode components = realm.admin.getJson("/" + realmName
                + "/components?type=org.keycloak.storage.UserStorageProvider");
        return components.get(0).path("id").asText();
    }

    private static double delta(MetricsPage before, MetricsPage after, String name, String... labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    private String newUser(String schema) {
        UUID id = UUID.randomUUID();
        String email = "metrics-" + id.toString().substring(0, 8) + "@example.com";
        db().insertUser(schema, id, email, SeedUsers.DAVE_HASH, true, true);
        return email;
    }

    private void execute(String schema, String sql, Object... parameters) {
        try (Connection c = db().connectTo(schema); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i]);
            }
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    @AfterAll
    void logHoldsNoSecrets() {
        LogHygiene.assertNoSecretsIn(realm);
    }
}
