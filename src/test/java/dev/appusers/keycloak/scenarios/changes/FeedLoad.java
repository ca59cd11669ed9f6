package dev.appusers.keycloak.scenarios.changes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.SeedUsers;

/**
 * The app's own jobs, as the change feed meets them: many concurrent transactions of random size and duration, each
 * disabling one user ("the probe", signed in on both nodes beforehand) early on and writing up to
 * {@value #MAX_ROWS} more change rows over its life, committing in an order unlike the numbers they drew. For each
 * transaction: the time from its commit until a refresh of the probe's session is refused on each node.
 */
final class FeedLoad {

    static final int MAX_ROWS = 2_000;
    static final long MAX_START_MILLIS = 20_000;
    static final long MAX_DURATION_MILLIS = 60_000;
    static final long GIVE_UP_MILLIS = 30_000;

    /** One transaction's shape and what was seen of it: -1 where the refresh was never refused. */
    record Result(int rows, long durationMillis, long nodeAMillis, long nodeBMillis) {
        long bothNodes() {
            return nodeAMillis < 0 || nodeBMillis < 0 ? Long.MAX_VALUE : Math.max(nodeAMillis, nodeBMillis);
        }
    }

    private record Probe(UUID id, String refreshA, String refreshB) {
    }

    private final AppDb db;
    private final String schema;
    private final OidcClient onA;
    private final OidcClient onB;
    private final Random random;

    FeedLoad(AppDb db, String schema, OidcClient onA, OidcClient onB, long seed) {
        this.db = db;
        this.schema = schema;
        this.onA = onA;
        this.onB = onB;
        this.random = new Random(seed);
    }

    /** Runs {@code transactions} at once and waits for all of them and their probes. */
    List<Result> run(int transactions) throws Exception {
        List<Probe> probes = new ArrayList<>();
        for (int i = 0; i < transactions; i++) {
            UUID id = UUID.randomUUID();
            String email = "load-" + id.toString().substring(0, 8) + "@example.com";
            db.insertUser(schema, id, email, SeedUsers.DAVE_HASH, true, true);
            probes.add(new Probe(id, refreshToken(onA, email), refreshToken(onB, email)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(transactions);
        try {
            List<Future<Result>> futures = new ArrayList<>();
            for (Probe probe : probes) {
                long start = (long) (random.nextDouble() * MAX_START_MILLIS);
                long duration = random.nextInt(4) == 0 ? 0 : (long) (random.nextDouble() * MAX_DURATION_MILLIS);
                int rows = 1 + (int) Math.floor(Math.pow(MAX_ROWS, random.nextDouble())) - 1; // 1..2000, log-spread
                futures.add(pool.submit(() -> transaction(probe, start, duration, Math.max(1, rows))));
            }
            List<Result> results = new ArrayList<>();
            for (Future<Result> future : futures) {
                results.add(future.get(MAX_START_MILLIS + MAX_DURATION_MILLIS + GIVE_UP_MILLIS + 60_000,
                        TimeUnit.MILLISECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private Result transaction(Probe probe, long startMillis, long durationMillis, int rows) throws Exception {
        Thread.sleep(startMillis);
        long committed;
        try (Connection c = db.connectTo(schema)) {
            c.setAutoCommit(false);
            try (PreparedStatement disable = c.prepareStatement("UPDATE " + db.userTable()
                    + " SET is_active = false WHERE id = ?")) {
                disable.setObject(1, db.idValue(probe.id()));
                disable.executeUpdate();
            }
            insertChanges(c, rows / 2);
            Thread.sleep(durationMillis / 2);
            insertChanges(c, rows - rows / 2);
            Thread.sleep(durationMillis - durationMillis / 2);
            c.commit();
            committed = System.nanoTime();
        }
        long[] refused = {-1, -1};
        while (elapsed(committed) < GIVE_UP_MILLIS && (refused[0] < 0 || refused[1] < 0)) {
            if (refused[0] < 0 && onA.refresh(probe.refreshA()).status() != 200) {
                refused[0] = elapsed(committed);
            }
            if (refused[1] < 0 && onB.refresh(probe.refreshB()).status() != 200) {
                refused[1] = elapsed(committed);
            }
            Thread.sleep(100);
        }
        return new Result(rows, durationMillis, refused[0], refused[1]);
    }

    /** Change rows of users the nodes never cached, as a bulk job's triggers write them. */
    private void insertChanges(Connection c, int rows) throws SQLException {
        if (rows == 0) {
            return;
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO app_users_changes (user_id) VALUES (?)")) {
            for (int i = 0; i < rows; i++) {
                insert.setObject(1, db.idValue(UUID.randomUUID()));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static long elapsed(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Signs {@code email} in with the change-feed fixtures' password; @return the refresh token */
    static String refreshToken(OidcClient node, String email) {
        return dev.appusers.keycloak.it.AdminClient.expect(node.passwordGrant(email, ChangeFeedScenarios.PASSWORD),
                200, "sign-in of " + email).json().path("refresh_token").asText();
    }

    /** "p50 x ms, p95 y ms, max z ms" of the slower node per transaction. */
    static String percentiles(List<Result> results) {
        long[] both = results.stream().mapToLong(Result::bothNodes).sorted().toArray();
        return String.format("p50 %d ms, p95 %d ms, max %d ms", both[both.length / 2],
                both[(int) Math.ceil(both.length * 0.95) - 1], both[both.length - 1]);
    }
}
