package dev.appusers.keycloak.scenarios.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.appusers.keycloak.it.AdminClient;
import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.LogHygiene;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.it.SeedUsers;

/**
 * Import mode's syncs when things go wrong or run by themselves: a full sync whose app database stops taking
 * connections midway (its sessions terminated, {@code ALLOW_CONNECTIONS false}) answers what it imported with a
 * failure, leaves whole users only and simply finishes when run again; the periodic sync settings of the admin console import a new row and update a changed one
 * with no one pressing a button.
 */
@On.Postgres
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SyncScenarios {

    /**
     * Three of the sync's pages of 1,000 users and part of a fourth. Two pages are imported at once while the next is
     * read: when the first page commits (the test reacts within a few polls of 20 ms), the third page's read has just
     * begun, and the fourth's cannot begin before the second page commits, well after the cut-off.
     */
    private static final int USERS = 3_500;
    private static final String[] APP_ROLES = {"admin", "editor", "viewer"};

    private final AppDb db = AppDb.POSTGRES;
    private ItRealm realm;

    @BeforeAll
    void setUp() {
        realm = ItRealm.create(getClass());
    }

    @Test
    void aSyncCutOffFromTheAppDatabaseLeavesWholeUsersAndFinishesWhenRunAgain() throws Exception {
        String schema = db.createFixtureSchema("syncoutage");
        db.executeIn(schema, "INSERT INTO \"user\" (id, email, password_hash, is_active, is_verified, token_count) "
                + "SELECT md5('outage' || g)::uuid, 'outage' || g || '@sync.test', '"
                + SeedUsers.hashes().get(0).hash().replace("'", "''") + "', true, true, g "
                + "FROM generate_series(1, " + USERS + ") g;\n"
                + "INSERT INTO user_role (id, user_id, role_id) SELECT md5('outage-role' || g)::uuid, "
                + "md5('outage' || g)::uuid, r.id FROM generate_series(1, " + USERS + ") g JOIN role r ON r.name = "
                + "(ARRAY['admin', 'editor', 'viewer'])[1 + g % 3];\n");
        int total = USERS + SeedUsers.users().size();
        String component = realm.admin.addFederation(realm.name, ItRealm.config("dbSchema", schema,
                "importEnabled", "true", "userAttributeColumns", "token_count",
                // users the checks below load once are then cached: each credential read costs no app row read
                "cachePolicy", "DEFAULT"));
        showUnmanagedAttributes();

        CompletableFuture<Http.Response> first = CompletableFuture.supplyAsync(() -> sync(component));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (count() == 0 && !first.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(20); // until the first batch has committed
        }
        Http.Response cutOff;
        try {
            admin("ALTER DATABASE " + AppDb.IT_DATABASE + " ALLOW_CONNECTIONS false");
            admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + AppDb.IT_DATABASE
                    + "' AND pid <> pg_backend_pid()");
            cutOff = first.get(3, TimeUnit.MINUTES);
        } finally {
            admin("ALTER DATABASE " + AppDb.IT_DATABASE + " ALLOW_CONNECTIONS true");
        }
        int before = count();

        System.out.println("Sync cut off from the app database: HTTP " + cutOff.status() + " "
                + cutOff.body().substring(0, Math.min(300, cutOff.body().length())) + "; " + before + " of " + total
                + " users imported");
        assertThat(before).as("imported before the outage").isPositive().isLessThan(total);
        // the answer says what the sync did and that it failed; one ERROR line says why
        assertThat(cutOff.status()).as(cutOff.body()).isEqualTo(200);
        assertThat(cutOff.json().get("added").asInt()).as(cutOff.body()).isEqualTo(before);
        assertThat(cutOff.json().get("failed").asInt()).as(cutOff.body()).isPositive();
        assertThat(cutOff.json().get("removed").asInt()).as(cutOff.body()).isZero();
        assertThat(realm.log()).containsPattern("ERROR .*Sync of app-users stopped after \\d+ app users read \\("
                + before + " imported users, .*\\): The app database is unavailable \\(reading app users to sync\\): "
                + "SQLState \\w+");
        Set<String> checked = assertWhole(component, before, Set.of());

        Http.Response again = sync(component);

        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().get("failed").asInt()).as(again.body()).isZero();
        assertThat(again.json().get("added").asInt()).as(again.body()).isEqualTo(total - before);
        assertThat(count()).isEqualTo(total);
        assertWhole(component, total, checked);
    }

    @Test
    void thePeriodicSyncsImportANewRowAndUpdateAChangedOne() throws Exception {
        String schema = db.createFixtureSchema("syncperiodic");
        db.executeIn(schema, "ALTER TABLE \"user\" ADD COLUMN updated_at TIMESTAMP NOT NULL DEFAULT now();\n");
        String periodic = realm.name + "_periodic";
        realm.admin.deleteIfPresent("/" + periodic);
        realm.admin.createRealm(periodic);
        String component = realm.admin.addFederation(periodic, ItRealm.config("dbSchema", schema, "importEnabled", "true",
                "lastModifiedColumn", "updated_at", "userAttributeColumns", "token_count",
                "fullSyncPeriod", "3600", "changedSyncPeriod", "2"));
        // the first periodic full sync is an hour away: the changed sync alone brings every row in, being new
        JsonNode bob = await(periodic, "bob@example.com", user -> true);
        assertThat(bob.at("/attributes/token_count/0").asText()).isEqualTo("7");

        db.insertUser(schema, java.util.UUID.randomUUID(), "newcomer@sync.test", SeedUsers.hashes().get(0).hash(),
                true, true);
        db.executeIn(schema, "UPDATE \"user\" SET token_count = 70, updated_at = now() + interval '1 second' "
                + "WHERE email = 'bob@example.com';\n");

        JsonNode newcomer = await(periodic, "newcomer@sync.test", user -> true);
        JsonNode changed = await(periodic, "bob@example.com",
                user -> "70".equals(user.at("/attributes/token_count/0").asText()));
        assertThat(newcomer.get("enabled").asBoolean()).isTrue();
        assertThat(changed.at("/attributes/token_count/0").asText()).isEqualTo("70");
        // the periodic syncs are stopped before the realm goes: Keycloak records each sync's time in the component,
        // and a realm deleted while that write is under way fails (Keycloak's race, not the provider's)
        com.fasterxml.jackson.databind.node.ObjectNode stopped =
                (com.fasterxml.jackson.databind.node.ObjectNode) realm.admin.component(periodic, component);
        ((com.fasterxml.jackson.databind.node.ObjectNode) stopped.get("config")).putArray("changedSyncPeriod").add("-1");
        ((com.fasterxml.jackson.databind.node.ObjectNode) stopped.get("config")).putArray("fullSyncPeriod").add("-1");
        AdminClient.expect(realm.admin.put("/" + periodic + "/components/" + component, stopped.toString()), 204,
                "periodic syncs off");
        Thread.sleep(3000); // longer than one period: a sync that was running has finished
        realm.admin.deleteOk("/" + periodic);
    }

    @AfterAll
    void logHoldsNoSecrets() {
        LogHygiene.assertNoSecretsIn(realm);
    }

    /**
     * Every imported user has its app id attribute, its app role, the realm's default role and, unless checked
     * before, its credential; returns the users whose credential was checked.
     */
    private Set<String> assertWhole(String component, int expected, Set<String> checkedBefore) {
        Set<String> checked = new HashSet<>(checkedBefore);
        JsonNode users = AdminClient.expect(realm.admin.get("/" + realm.name + "/users?first=0&max=100000"
                + "&briefRepresentation=false"), 200, "list users").json();
        assertThat(users).hasSize(expected);
        Set<String> inAppRole = new HashSet<>();
        for (String role : APP_ROLES) {
            usersInRole(role).forEach(inAppRole::add);
        }
        Set<String> withDefaultRole = usersInRole("default-roles-" + realm.name);
        for (JsonNode user : users) {
            String id = user.get("id").asText();
            String what = user.get("username").asText();
            assertThat(user.get("federationLink").asText()).as(what).isEqualTo(component);
            assertThat(user.at("/attributes/APP_USERS_ID/0").asText()).as(what).isNotEmpty();
            assertThat(withDefaultRole).as(what).contains(id);
            if (what.startsWith("outage")) {
                assertThat(inAppRole).as(what).contains(id);
            }
            if (what.startsWith("outage") && checked.add(id)) {
                JsonNode credentials = AdminClient.expect(realm.admin.get("/" + realm.name + "/users/" + id
                        + "/credentials"), 200, "credentials of " + what).json();
                assertThat(credentials).as(what).hasSize(1);
                assertThat(credentials.get(0).get("credentialData").asText()).as(what).contains("\"app-");
            }
        }
        return checked;
    }

    private Set<String> usersInRole(String role) {
        Set<String> ids = new HashSet<>();
        AdminClient.expect(realm.admin.get("/" + realm.name + "/roles/" + role + "/users?first=0&max=100000"
                + "&briefRepresentation=true"), 200,
                "users in " + role).json().forEach(user -> ids.add(user.get("id").asText()));
        return ids;
    }

    private JsonNode await(String realmName, String username, java.util.function.Predicate<JsonNode> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            JsonNode found = AdminClient.expect(realm.admin.get("/" + realmName + "/users?exact=true&username="
                    + URLEncoder.encode(username, StandardCharsets.UTF_8)), 200, "find " + username).json();
            if (found.size() == 1) {
                last = found.get(0);
                if (done.test(last)) {
                    return last;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no periodic sync brought " + username + " in within 60 s; last seen: " + last);
    }

    private Http.Response sync(String component) {
        return realm.admin.post("/" + realm.name + "/user-storage/" + component + "/sync?action=triggerFullSync", "");
    }

    private int count() {
        return Integer.parseInt(AdminClient.expect(realm.admin.get("/" + realm.name + "/users/count"), 200,
                "count users").body().strip());
    }

    private void showUnmanagedAttributes() {
        String path = "/" + realm.name + "/users/profile";
        ObjectNode profile = (ObjectNode) AdminClient.expect(realm.admin.get(path), 200, "read the profile").json();
        profile.put("unmanagedAttributePolicy", "ADMIN_VIEW");
        AdminClient.expect(realm.admin.put(path, profile), 200, "update the profile");
    }

    private void admin(String sql) throws SQLException {
        try (Connection c = db.connect("postgres"); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
