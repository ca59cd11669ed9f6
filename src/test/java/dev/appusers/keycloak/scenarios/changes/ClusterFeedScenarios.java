package dev.appusers.keycloak.scenarios.changes;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.appusers.keycloak.it.AdminClient;
import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.ChangeTableScript;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.KeycloakCluster;
import dev.appusers.keycloak.it.LogHygiene;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.it.SeedUsers;
import dev.appusers.keycloak.it.TcpProxy;

/**
 * The change feed on two nodes, against the app's real transactions, on MariaDB ({@code appdb}) and PostgreSQL
 * ({@code appdb2}, behind a proxy that can drop every packet): many concurrent transactions of random size and
 * duration committing out of order ({@link FeedLoad}), a change table created after the nodes started, and an app
 * database whose network goes silent.
 */
@On.Cluster
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterFeedScenarios {

    static final int TRANSACTIONS = 20;
    static final int QUERY_TIMEOUT_SECONDS = 3;

    record Target(AppDb db, String schema, String realm, OidcClient onA, OidcClient onB) {
    }

    KeycloakCluster cluster;
    AdminClient admin;

    @BeforeAll
    void setUp() {
        AppDb.POSTGRES.ensureDatabase(AppDb.IT_DATABASE);
        cluster = KeycloakCluster.shared(ClusterScenarios.APP_DATABASE);
        admin = new AdminClient(cluster.nodeA);
    }

    /** Whichever of the cluster's scenarios runs last, both nodes' whole logs are checked after it. */
    @AfterAll
    void logsHoldNoSecrets() {
        if (cluster != null) {
            LogHygiene.assertNoSecretsInWholeLog(cluster.nodeA);
            LogHygiene.assertNoSecretsInWholeLog(cluster.nodeB);
        }
    }

    /** A realm on both nodes whose component reads {@code name}'s own fixture schema on {@code db}. */
    Target target(AppDb db, String name, boolean changeTable, Map<String, String> extra) {
        String schema = db.createFixtureSchema(name);
        if (changeTable) {
            ChangeTableScript.install(db, schema);
        }
        String realm = name + "_" + db.name().toLowerCase();
        admin.deleteIfPresent("/" + realm);
        admin.createRealm(realm);
        Map<String, String> config = new LinkedHashMap<>(Map.of("cachePolicy", "DEFAULT", "dbSchema", schema,
                "queryTimeoutSeconds", String.valueOf(QUERY_TIMEOUT_SECONDS)));
        if (db == AppDb.POSTGRES) {
            config.put("datasource", KeycloakCluster.POSTGRES_DATASOURCE);
        }
        config.putAll(extra);
        admin.addFederation(realm, config);
        return new Target(db, schema, realm, new OidcClient(cluster.nodeA, realm), new OidcClient(cluster.nodeB, realm));
    }

    @Test
    void everyTransactionsChangesReachBothNodesWithinFiveSecondsOfItsCommit() throws Exception {
        long seed = System.nanoTime();
        List<CompletableFuture<List<FeedLoad.Result>>> runs = new ArrayList<>();
        for (AppDb db : List.of(AppDb.MARIADB, AppDb.POSTGRES)) {
            Target target = target(db, "feedload", true, Map.of());
            FeedLoad load = new FeedLoad(db, target.schema(), target.onA(), target.onB(), seed + db.ordinal());
            runs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return load.run(TRANSACTIONS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        List<FeedLoad.Result> all = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            List<FeedLoad.Result> results = runs.get(i).join();
            System.out.printf("change feed under load (%s, 2 nodes, %d transactions of 1-%d rows, 0-%d s, seed %d): "
                    + "commit to refused on both nodes %s%n", i == 0 ? "MARIADB" : "POSTGRES", results.size(),
                    FeedLoad.MAX_ROWS, FeedLoad.MAX_DURATION_MILLIS / 1000, seed, FeedLoad.percentiles(results));
            all.addAll(results);
        }
        assertThat(all).as("every transaction's disabled user refused on both nodes within 5 s of its commit")
                .allSatisfy(r -> assertThat(r.bothNodes()).as("%s", r).isLessThanOrEqualTo(5_000));
    }

    @Test
    void aChangeTableCreatedAfterTheStartIsPickedUpByBothNodesWithinAMinute() throws Exception {
        List<CompletableFuture<Long>> runs = new ArrayList<>();
        for (AppDb db : List.of(AppDb.MARIADB, AppDb.POSTGRES)) {
            Target target = target(db, "latetable", false, Map.of());
            UUID id = UUID.randomUUID();
            String email = "late-" + id.toString().substring(0, 8) + "@example.com";
            db.insertUser(target.schema(), id, email, SeedUsers.DAVE_HASH, true, true);
            String onA = FeedLoad.refreshToken(target.onA(), email);
            String onB = FeedLoad.refreshToken(target.onB(), email);
            runs.add(CompletableFuture.supplyAsync(() -> {
                ChangeTableScript.install(db, target.schema()); // the app's migration ran after the nodes started
                long installed = System.nanoTime();
                sleep(1_000);
                execute(db, target.schema(), "UPDATE " + db.userTable() + " SET is_active = false WHERE id = ?", id);
                awaitRefused(target.onA(), onA, 60_000);
                awaitRefused(target.onB(), onB, 60_000);
                return (System.nanoTime() - installed) / 1_000_000;
            }));
        }
        for (CompletableFuture<Long> run : runs) {
            long millis = run.join();
            System.out.printf("change table created after the start: both nodes evicted %d ms after it was installed%n",
                    millis);
            assertThat(millis).isLessThanOrEqualTo(60_000);
        }
    }

    @Test
    void aSilentAppDatabaseBlocksNeitherKeycloaksTimersNorItsOtherUsers() {
        Target postgres = target(AppDb.POSTGRES, "blackhole", true, Map.of());
        Target synced = target(AppDb.MARIADB, "periodic", false, Map.of("importEnabled", "true",
                "fullSyncPeriod", "2"));
        Http.Response local = admin.post("/" + postgres.realm() + "/users", Map.of("username", "local-user",
                "enabled", true, "email", "local@example.com", "firstName", "Local", "lastName", "User",
                "credentials", List.of(Map.of("type", "password", "value", "Local-Secret-1", "temporary", false))));
        AdminClient.expect(local, 201, "local user");
        UUID cached = UUID.randomUUID();
        String cachedEmail = "cached-" + cached.toString().substring(0, 8) + "@example.com";
        AppDb.POSTGRES.insertUser(postgres.schema(), cached, cachedEmail, SeedUsers.DAVE_HASH, true, true);
        UUID unknown = UUID.randomUUID();
        String unknownEmail = "silent-" + unknown.toString().substring(0, 8) + "@example.com";
        AppDb.POSTGRES.insertUser(postgres.schema(), unknown, unknownEmail, SeedUsers.DAVE_HASH, true, true);
        String cachedToken = FeedLoad.refreshToken(postgres.onA(), cachedEmail);
        TcpProxy proxy = cluster.postgresProxy();

        proxy.blackhole();
        try {
            sleep(3_000); // the feeds' poll of PostgreSQL now waits for an answer that never comes
            String newcomer = "newcomer-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
            AppDb.MARIADB.insertUser(synced.schema(), UUID.randomUUID(), newcomer, SeedUsers.DAVE_HASH, true,
                    true);
            long waited = System.nanoTime();
            while (!importedByKeycloak(synced.realm(), newcomer) && (System.nanoTime() - waited) / 1_000_000 < 20_000) {
                sleep(250);
            }
            assertThat(importedByKeycloak(synced.realm(), newcomer))
                    .as("the other component's periodic sync (Keycloak's timer) imported a new app user meanwhile")
                    .isTrue();
            assertThat(postgres.onA().passwordGrant("local-user", "Local-Secret-1").status()).as("a local user")
                    .isEqualTo(200);
            long start = System.nanoTime();
            Http.Response refused = postgres.onB().passwordGrant(unknownEmail, ChangeFeedScenarios.PASSWORD);
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("silent app database: a federated sign-in refused after %d ms (query timeout %d s)%n",
                    millis, QUERY_TIMEOUT_SECONDS);
            assertThat(refused.status()).as(refused.body()).isNotEqualTo(200);
            assertThat(millis).isLessThanOrEqualTo(QUERY_TIMEOUT_SECONDS * 1000L + 5_000);
        } finally {
            proxy.restore();
        }
        execute(AppDb.POSTGRES, postgres.schema(), "UPDATE \"user\" SET is_active = false WHERE id = ?", cached);
        awaitRefused(postgres.onA(), cachedToken, 20_000);
    }

    /** Whether Keycloak's own database holds the user: only a sync puts it there, no lookup of the test's. */
    private static boolean importedByKeycloak(String realm, String username) {
        try (Connection c = AppDb.POSTGRES.connect(KeycloakCluster.KEYCLOAK_DATABASE);
                PreparedStatement s = c.prepareStatement("SELECT 1 FROM user_entity u JOIN realm r ON r.id = u.realm_id"
                        + " WHERE r.name = ? AND u.username = ?")) {
            s.setString(1, realm);
            s.setString(2, username);
            return s.executeQuery().next();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static void awaitRefused(OidcClient node, String refreshToken, long maxMillis) {
        long start = System.nanoTime();
        while ((System.nanoTime() - start) / 1_000_000 < maxMillis) {
            if (node.refresh(refreshToken).status() != 200) {
                return;
            }
            sleep(200);
        }
        throw new AssertionError("the refresh was not refused within " + maxMillis + " ms");
    }

    static void execute(AppDb db, String schema, String sql, UUID id) {
        try (Connection c = db.connectTo(schema); PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, db.idValue(id));
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
