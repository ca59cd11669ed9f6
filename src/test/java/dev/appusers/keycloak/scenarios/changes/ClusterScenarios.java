package dev.appusers.keycloak.scenarios.changes;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.appusers.keycloak.it.AdminClient;
import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.ChangeTableScript;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.KeycloakCluster;
import dev.appusers.keycloak.it.LogHygiene;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.it.SeedUsers;

/**
 * Two Keycloak nodes in one cluster (see {@link KeycloakCluster}) federate the same app database with the component's
 * default cache policy: what an admin changes through one node is what the other uses at its next login, because
 * Keycloak invalidates the cached user on every node; a change made directly in the app's table is refused at the next
 * sign-in (the password check compares the row with the cached copy) and, through the change table each node polls,
 * at the next refresh on every node within seconds; with {@code NO_CACHE} at once.
 */
@On.Cluster
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterScenarios {

    static final String REALM = "cluster";
    static final String PASSWORD = "dave-Secret-4";
    static final String NEW_PASSWORD = "Cluster-New-Secret-8";
    static final String NEWER_PASSWORD = "Cluster-Back-Secret-9";
    static final UUID PASSWORD_USER = UUID.fromString("a1000000-0000-4000-8000-0000000000a1");
    static final UUID ROLE_USER = UUID.fromString("a2000000-0000-4000-8000-0000000000a2");
    static final UUID DISABLED_USER = UUID.fromString("a3000000-0000-4000-8000-0000000000a3");
    static final UUID DIRECT_USER = UUID.fromString("a4000000-0000-4000-8000-0000000000a4");
    static final UUID NO_CACHE_USER = UUID.fromString("a5000000-0000-4000-8000-0000000000a5");

    static final String APP_DATABASE = AppDb.database("appusers_cluster");
    final String appDatabase = APP_DATABASE;
    KeycloakCluster cluster;
    AdminClient adminA;
    AdminClient adminB;
    OidcClient onA;
    OidcClient onB;
    String componentId;

    @BeforeAll
    void setUp() {
        cluster = KeycloakCluster.shared(appDatabase);
        ChangeTableScript.install(AppDb.MARIADB, appDatabase);
        for (UUID id : List.of(PASSWORD_USER, ROLE_USER, DISABLED_USER, DIRECT_USER, NO_CACHE_USER)) {
            insertUser(id);
        }
        adminA = new AdminClient(cluster.nodeA);
        adminB = new AdminClient(cluster.nodeB);
        adminA.createRealm(REALM);
        Map<String, String> config = new LinkedHashMap<>();
        config.put("cachePolicy", "DEFAULT");
        config.put("editMode", "WRITABLE");
        componentId = adminA.addFederation(REALM, config);
        onA = new OidcClient(cluster.nodeA, REALM);
        onB = new OidcClient(cluster.nodeB, REALM);
    }

    @AfterAll
    void tearDown() {
        // the cluster stays up for the other scenario of its suite (ClusterIT), which closes it at its end
        if (cluster != null) {
            LogHygiene.assertNoSecretsInWholeLog(cluster.nodeA);
            LogHygiene.assertNoSecretsInWholeLog(cluster.nodeB);
        }
    }

    @Test
    void passwordResetThroughOneNodeIsWhatTheOtherChecksAtItsNextLogin() {
        assertThat(onB.passwordGrant(email(PASSWORD_USER), PASSWORD).status()).as("node B has the user cached")
                .isEqualTo(200);

        resetPassword(adminA, PASSWORD_USER, NEW_PASSWORD);

        assertThat(onB.passwordGrant(email(PASSWORD_USER), NEW_PASSWORD).status()).isEqualTo(200);
        assertThat(onB.passwordGrant(email(PASSWORD_USER), PASSWORD).status()).as("the old password").isNotEqualTo(200);

        resetPassword(adminB, PASSWORD_USER, NEWER_PASSWORD);

        assertThat(onA.passwordGrant(email(PASSWORD_USER), NEWER_PASSWORD).status()).as("and back: B to A")
                .isEqualTo(200);
        assertThat(onA.passwordGrant(email(PASSWORD_USER), NEW_PASSWORD).status()).isNotEqualTo(200);
    }

    private void resetPassword(AdminClient admin, UUID id, String password) {
        Http.Response reset = admin.put("/" + REALM + "/users/" + keycloakId(id) + "/reset-password",
                Map.of("type", "password", "value", password, "temporary", false));
        assertThat(reset.status()).as(reset.body()).isEqualTo(204);
    }

    @Test
    void roleGrantedThroughNodeAIsInNodeBsNextToken() {
        assertThat(roles(onB, ROLE_USER)).as("node B caches the user without the role").doesNotContain("admin");

        Http.Response granted = adminA.post("/" + REALM + "/users/" + keycloakId(ROLE_USER) + "/role-mappings/realm",
                List.of(adminA.getJson("/" + REALM + "/roles/admin")));

        assertThat(granted.status()).as(granted.body()).isEqualTo(204);
        assertThat(roles(onB, ROLE_USER)).as("node B's next token").contains("admin");
        assertThat(roles(onA, ROLE_USER)).contains("admin");
    }

    @Test
    void disablingThroughOneNodeBlocksLoginsOnBoth() {
        assertThat(onA.passwordGrant(email(DISABLED_USER), PASSWORD).status()).isEqualTo(200);
        assertThat(onB.passwordGrant(email(DISABLED_USER), PASSWORD).status()).isEqualTo(200);

        setEnabled(adminA, DISABLED_USER, false);

        assertThat(isActive(DISABLED_USER)).as("is_active in the app's table").isFalse();
        assertThat(error(onA, DISABLED_USER)).isEqualTo("Account disabled");
        assertThat(error(onB, DISABLED_USER)).isEqualTo("Account disabled");

        setEnabled(adminB, DISABLED_USER, true);

        assertThat(onA.passwordGrant(email(DISABLED_USER), PASSWORD).status()).as("enabled again through node B")
                .isEqualTo(200);
        assertThat(onB.passwordGrant(email(DISABLED_USER), PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void aDisableInTheAppTableIsRefusedAtTheNextSignInAndRefreshOnBothNodes() {
        String refreshA = refreshToken(onA, DIRECT_USER);
        String refreshB = refreshToken(onB, DIRECT_USER);

        execute("UPDATE user SET is_active = false WHERE id = ?", DIRECT_USER);

        assertThat(onA.passwordGrant(email(DIRECT_USER), PASSWORD).status())
                .as("refused at once: the password check reads the row and evicts the stale copy")
                .isIn(OidcClient.REFUSED);
        assertThat(awaitRefused(onB, refreshB, 10_000)).as("node B: evicted by the cluster or its own feed")
                .isLessThanOrEqualTo(10_000);
        assertThat(awaitRefused(onA, refreshA, 10_000)).isLessThanOrEqualTo(10_000);
    }

    /**
     * The benchmark of the change feed on two nodes: {@value #FEED_CHANGES} users, each signed in on both nodes, are
     * disabled in the app's table in batches of {@value #FEED_BATCH}; for each, the time from its UPDATE until a
     * refresh is refused on both nodes. Goal: p95 at most 5 s.
     */
    @Test
    void changesInTheAppTableReachBothNodesWithinFiveSecondsAtP95() {
        List<long[]> latencies = new java.util.ArrayList<>();
        for (int batch = 0; batch < FEED_CHANGES / FEED_BATCH; batch++) {
            Map<String, String> tokens = new LinkedHashMap<>();
            List<UUID> users = new java.util.ArrayList<>();
            for (int i = 0; i < FEED_BATCH; i++) {
                UUID id = UUID.randomUUID();
                insertUser(id, "feed-" + id + "@example.com");
                users.add(id);
                tokens.put(id + "/a", refreshToken(onA, "feed-" + id + "@example.com"));
                tokens.put(id + "/b", refreshToken(onB, "feed-" + id + "@example.com"));
            }
            Map<String, Long> changedAt = new java.util.HashMap<>();
            for (UUID id : users) {
                execute("UPDATE user SET is_active = false WHERE id = ?", id);
                changedAt.put(id.toString(), System.nanoTime());
            }
            Map<String, Long> seen = new java.util.HashMap<>();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (seen.size() < tokens.size() && System.nanoTime() < deadline) {
                for (Map.Entry<String, String> token : tokens.entrySet()) {
                    if (!seen.containsKey(token.getKey())) {
                        OidcClient node = token.getKey().endsWith("/a") ? onA : onB;
                        if (node.refresh(token.getValue()).status() != 200) {
                            seen.put(token.getKey(), System.nanoTime());
                        }
                    }
                }
            }
            assertThat(seen).as("every refresh refused within 30 s").hasSameSizeAs(tokens);
            for (UUID id : users) {
                long start = changedAt.get(id.toString());
                latencies.add(new long[] {(seen.get(id + "/a") - start) / 1_000_000,
                        (seen.get(id + "/b") - start) / 1_000_000});
            }
        }
        long[] bothNodes = latencies.stream().mapToLong(l -> Math.max(l[0], l[1])).sorted().toArray();
        long p50 = bothNodes[bothNodes.length / 2];
        long p95 = bothNodes[(int) Math.ceil(bothNodes.length * 0.95) - 1];
        System.out.printf("change feed, 2 nodes, %d changes: until refused on both nodes p50 %d ms, p95 %d ms, "
                + "max %d ms%n", bothNodes.length, p50, p95, bothNodes[bothNodes.length - 1]);
        assertThat(p95).as("p95 until both nodes refuse a refresh").isLessThanOrEqualTo(5_000);
    }

    static final int FEED_CHANGES = 50;
    static final int FEED_BATCH = 5;

    private static String refreshToken(OidcClient node, UUID id) {
        return refreshToken(node, email(id));
    }

    private static String refreshToken(OidcClient node, String email) {
        Http.Response login = AdminClient.expect(node.passwordGrant(email, PASSWORD), 200, "sign-in of " + email);
        return login.json().path("refresh_token").asText();
    }

    private static long awaitRefused(OidcClient node, String refreshToken, long maxMillis) {
        long start = System.nanoTime();
        while ((System.nanoTime() - start) / 1_000_000 < maxMillis) {
            if (node.refresh(refreshToken).status() != 200) {
                break;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void withNoCacheADisableInTheAppTableBlocksBothNodesAtOnce() {
        String realm = REALM + "_nocache";
        adminA.createRealm(realm);
        Map<String, String> config = new LinkedHashMap<>();
        config.put("cachePolicy", "NO_CACHE");
        adminA.addFederation(realm, config);
        OidcClient noCacheA = new OidcClient(cluster.nodeA, realm);
        OidcClient noCacheB = new OidcClient(cluster.nodeB, realm);
        assertThat(noCacheA.passwordGrant(email(NO_CACHE_USER), PASSWORD).status()).isEqualTo(200);
        assertThat(noCacheB.passwordGrant(email(NO_CACHE_USER), PASSWORD).status()).isEqualTo(200);

        execute("UPDATE user SET is_active = false WHERE id = ?", NO_CACHE_USER);

        assertThat(error(noCacheA, NO_CACHE_USER)).isEqualTo("Account disabled");
        assertThat(error(noCacheB, NO_CACHE_USER)).isEqualTo("Account disabled");
    }

    private void setEnabled(AdminClient admin, UUID id, boolean enabled) {
        String path = "/" + REALM + "/users/" + keycloakId(id);
        ObjectNode user = (ObjectNode) admin.getJson(path);
        user.put("enabled", enabled);
        Http.Response response = admin.put(path, user);
        assertThat(response.status()).as(response.body()).isEqualTo(204);
    }

    private static List<String> roles(OidcClient node, UUID id) {
        return Http.texts(node.accessTokenClaims(email(id), PASSWORD).path("realm_access").path("roles"));
    }

    private static String error(OidcClient node, UUID id) {
        Http.Response response = node.passwordGrant(email(id), PASSWORD);
        assertThat(response.status()).as("%s still signs in there", email(id)).isNotEqualTo(200);
        return response.json().path("error_description").asText();
    }

    private String keycloakId(UUID id) {
        return "f:" + componentId + ":" + id;
    }

    private static String email(UUID id) {
        return "cluster-" + id.toString().substring(0, 2) + "@example.com";
    }

    private void insertUser(UUID id) {
        insertUser(id, email(id));
    }

    private void insertUser(UUID id, String email) {
        try (Connection c = AppDb.MARIADB.connect(appDatabase); PreparedStatement s = c.prepareStatement(
                "INSERT INTO user (id, email, password_hash, is_active, is_verified) VALUES (?, ?, ?, true, true)")) {
            s.setObject(1, AppDb.MARIADB.idValue(id));
            s.setString(2, email);
            s.setString(3, SeedUsers.DAVE_HASH);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void execute(String sql, UUID id) {
        try (Connection c = AppDb.MARIADB.connect(appDatabase); PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, AppDb.MARIADB.idValue(id));
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private boolean isActive(UUID id) {
        try (Connection c = AppDb.MARIADB.connect(appDatabase); PreparedStatement s = c.prepareStatement(
                "SELECT is_active FROM user WHERE id = ?")) {
            s.setObject(1, AppDb.MARIADB.idValue(id));
            try (var rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
