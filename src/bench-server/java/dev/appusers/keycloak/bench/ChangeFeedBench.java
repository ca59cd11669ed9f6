package dev.appusers.keycloak.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.appusers.keycloak.it.AdminClient;
import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.ChangeTableScript;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.PgStatementLog;

/**
 * What the change feed costs: its statements on the app database idle and while the app changes 100 users a second,
 * and password grants with DEFAULT + feed against NO_CACHE in the same run (alternating rounds), with the
 * statements per login of each.
 */
final class ChangeFeedBench {

    static final String CHANGE_TABLE = "app_users_changes";

    private final AdminClient admin;
    private final String realm;
    private final String component;
    private final OidcClient oidc;
    private final PgStatementLog log;
    private final Report report;

    ChangeFeedBench(AdminClient admin, String realm, String component, OidcClient oidc, PgStatementLog log,
                    Report report) {
        this.admin = admin;
        this.realm = realm;
        this.component = component;
        this.oidc = oidc;
        this.log = log;
        this.report = report;
    }

    void run(List<String> users, int concurrency, Duration round, int rounds) throws SQLException {
        try (Connection c = AppDb.POSTGRES.connect(BenchData.DATABASE)) {
            ChangeTableScript.install(AppDb.POSTGRES, c);
        }
        String status = setCachePolicy("DEFAULT");
        report.heading("Change feed: " + status);
        for (String user : users) {
            oidc.passwordGrant(user, BenchData.PASSWORD); // every user cached
        }
        feedCost(users);

        report.heading("Password grants, DEFAULT + change feed against NO_CACHE, concurrency " + concurrency + ", "
                + rounds + " alternating rounds of " + round.toSeconds() + " s");
        report.table("cache policy", "logins", "failed", "logins/s", "p50", "p95");
        LoadRun.Result[] results = new LoadRun.Result[2];
        List<LoadRun.Result> withFeed = new java.util.ArrayList<>();
        List<LoadRun.Result> noCache = new java.util.ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            setCachePolicy("DEFAULT");
            withFeed.add(logins(users, concurrency, round));
            setCachePolicy("NO_CACHE");
            noCache.add(logins(users, concurrency, round));
        }
        results[0] = LoadRun.Result.merge(withFeed);
        results[1] = LoadRun.Result.merge(noCache);
        String[] labels = {"DEFAULT + change feed", "NO_CACHE"};
        for (int i = 0; i < 2; i++) {
            report.row(labels[i], results[i].requests(), results[i].failures(),
                    String.format("%.1f", results[i].perSecond()), Report.ms(results[i].p50Micros()),
                    Report.ms(results[i].p95Micros()));
        }
        report.heading("Statements per password login, same run (read off the PostgreSQL wire; feed polls excluded)");
        report.table("cache policy", "logins", "statements per login", "most in one login", "repeated in one login",
                "statements");
        setCachePolicy("DEFAULT"); // saving the component clears the realm's user cache: fill it again
        sleep(2_000);
        List<String> sample = users.subList(0, Math.min(20, users.size()));
        for (int warm = 0; warm < 2; warm++) {
            sample.forEach(u -> oidc.passwordGrant(u, BenchData.PASSWORD));
        }
        StatementsPerLogin.count("DEFAULT + change feed", oidc, log, sample, report);
        setCachePolicy("NO_CACHE");
        StatementsPerLogin.count("NO_CACHE", oidc, log, sample, report);
        setCachePolicy("DEFAULT");
    }

    /**
     * What the feed costs the app database idle, at 100 and at 1,000 changes a second: PostgreSQL's CPU over windows
     * with the same app load, the feed on (DEFAULT) and off (NO_CACHE), alternated, and the feed's statements.
     */
    private void feedCost(List<String> users) throws SQLException {
        int seconds = Integer.getInteger("bench.feed.seconds", 10);
        report.heading("What the change feed costs the app database: CPU of PostgreSQL's backends serving Keycloak "
                + "(no sign-ins meanwhile), feed on (DEFAULT) and off (NO_CACHE), " + seconds + " s windows each");
        report.table("app changes/s", "changes made", "feed statements/s", "feed on: db CPU ms/s",
                "feed off: db CPU ms/s");
        for (int rate : new int[] {0, 100, 1_000}) {
            setCachePolicy("NO_CACHE");
            DatabaseCpu off = new DatabaseCpu();
            changeUsers(users, rate, seconds);
            long offCpu = off.micros();
            setCachePolicy("DEFAULT");
            sleep(1_500);
            int mark = log.mark();
            DatabaseCpu on = new DatabaseCpu();
            int changed = changeUsers(users, rate, seconds);
            long onCpu = on.micros();
            long statements = feedStatements(mark);
            report.row(rate, changed, String.format("%.1f", statements / (double) seconds),
                    String.format("%.1f", onCpu / 1000.0 / seconds), String.format("%.1f", offCpu / 1000.0 / seconds));
        }
    }

    private LoadRun.Result logins(List<String> users, int concurrency, Duration round) {
        return LoadRun.run(concurrency, round, Integer.MAX_VALUE,
                n -> oidc.passwordGrant(users.get(n % users.size()), BenchData.PASSWORD).status() == 200);
    }

    private long feedStatements(int mark) {
        return log.dataSince(mark).stream().filter(s -> s.sql().contains(CHANGE_TABLE)).count();
    }

    /**
     * Updates {@code perSecond} users a second (their token_count) for {@code seconds}, as the app would, on four
     * connections; with a rate of 0, waits that long.
     */
    private static int changeUsers(List<String> users, int perSecond, int seconds) throws SQLException {
        if (perSecond == 0) {
            sleep(seconds * 1000L);
            return 0;
        }
        AtomicInteger changed = new AtomicInteger();
        int lanes = 4;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(lanes);
        try {
            List<java.util.concurrent.Future<?>> running = new java.util.ArrayList<>();
            long start = System.nanoTime();
            for (int lane = 0; lane < lanes; lane++) {
                int first = lane;
                running.add(pool.submit(() -> {
                    try (Connection c = appLoadConnection(); PreparedStatement update = c.prepareStatement(
                            "UPDATE \"user\" SET token_count = COALESCE(token_count, 0) + 1 WHERE email = ?")) {
                        for (int n = first; n < perSecond * seconds; n += lanes) {
                            long wait = (start + n * 1_000_000_000L / perSecond - System.nanoTime()) / 1_000_000;
                            if (wait > 0) {
                                sleep(wait);
                            }
                            update.setString(1, users.get(n % users.size()));
                            changed.addAndGet(update.executeUpdate());
                        }
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> lane : running) {
                lane.get();
            }
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        } finally {
            pool.shutdownNow();
        }
        return changed.get();
    }

    /** A connection of the app's load, named so that {@link DatabaseCpu} does not count it as Keycloak's. */
    private static Connection appLoadConnection() throws SQLException {
        Connection c = AppDb.POSTGRES.connect(BenchData.DATABASE);
        try (java.sql.Statement s = c.createStatement()) {
            s.execute("SET application_name = '" + DatabaseCpu.APP_LOAD + "'");
        }
        return c;
    }

    /** Saves the component with {@code policy}; @return the change feed status the save wrote */
    private String setCachePolicy(String policy) {
        ObjectNode representation = (ObjectNode) admin.component(realm, component);
        ArrayNode value = ((ObjectNode) representation.get("config")).putArray("cachePolicy");
        value.add(policy);
        Http.Response saved = admin.put("/" + realm + "/components/" + component, representation.toString());
        AdminClient.expect(saved, 204, "set cachePolicy " + policy);
        return admin.component(realm, component).path("config").path("changeFeed").path(0).asText();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
