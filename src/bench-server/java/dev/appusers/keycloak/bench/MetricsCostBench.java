package dev.appusers.keycloak.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.appusers.keycloak.bench.LoadRun.Result;
import dev.appusers.keycloak.it.AdminClient;
import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.KeycloakCluster;
import dev.appusers.keycloak.it.KeycloakServer;
import dev.appusers.keycloak.it.OidcClient;

/**
 * What the provider's meters cost (README, "Operations"): federated password grants on two servers of the same
 * distribution, one with {@code --metrics-enabled=true} and one without, each from its own copy of the distribution
 * (metrics-enabled is a build option) on the same app database. Rounds alternate between the servers, and which one
 * goes first alternates too, so the machine's drift hits both; the other server idles meanwhile. Two hashes: Keycloak's
 * own argon2 (a realistic sign-in) and bcrypt with 4 rounds (a cheap hash, where the meters' share is largest).
 */
final class MetricsCostBench {

    private static final String REALM = "bench-metrics";

    private final Report report;
    private final int concurrency;
    private final Duration round;
    private final int rounds;

    MetricsCostBench(Report report, int concurrency, Duration round, int rounds) {
        this.report = report;
        this.concurrency = concurrency;
        this.round = round;
        this.rounds = rounds;
    }

    /** @param groups users by hash label: each group is measured on both servers */
    void run(Map<String, List<String>> groups) throws IOException {
        Path root = Path.of("target", "bench-metrics").toAbsolutePath();
        KeycloakServer.deleteRecursively(root);
        KeycloakServer on = start(KeycloakCluster.copyDistribution(KeycloakServer.home(), root.resolve("on")), "on",
                "--metrics-enabled=true");
        KeycloakServer off = null;
        try {
            off = start(KeycloakCluster.copyDistribution(KeycloakServer.home(), root.resolve("off")), "off",
                    "--metrics-enabled=false");
            report.heading("What the meters cost: federated password grants, metrics on against off, concurrency "
                    + concurrency + ", " + rounds + " alternating rounds of " + round.toSeconds() + " s per server");
            report.table("hash", "metrics", "logins", "failed", "logins/s", "p50", "p95");
            List<String> ratios = new ArrayList<>();
            for (Map.Entry<String, List<String>> group : groups.entrySet()) {
                ratios.add(group.getKey() + ": **" + Report.ratio(compare(group.getKey(), group.getValue(), on, off))
                        + "**");
            }
            report.line("");
            report.line("Metrics on / off throughput (goal: within 2 %, i.e. >= 0.98): " + String.join("; ", ratios));
            report.line("");
            report.line("The on-server showed " + appUsersSeries(on) + " app_users_ series after the runs; the "
                    + "off-server has no /metrics.");
        } finally {
            on.stop();
            if (off != null) {
                off.stop();
            }
        }
    }

    private double compare(String label, List<String> users, KeycloakServer on, KeycloakServer off) {
        OidcClient onClient = new OidcClient(on, REALM);
        OidcClient offClient = new OidcClient(off, REALM);
        logins(onClient, users, Duration.ofSeconds(5), 40);
        logins(offClient, users, Duration.ofSeconds(5), 40);
        List<Result> a = new ArrayList<>();
        List<Result> b = new ArrayList<>();
        List<String> perRound = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            Result first;
            Result second;
            if (i % 2 == 0) {
                first = logins(onClient, users, round, Integer.MAX_VALUE);
                second = logins(offClient, users, round, Integer.MAX_VALUE);
                a.add(first);
                b.add(second);
            } else {
                second = logins(offClient, users, round, Integer.MAX_VALUE);
                first = logins(onClient, users, round, Integer.MAX_VALUE);
                a.add(first);
                b.add(second);
            }
            perRound.add(Report.ratio(first.perSecond() / second.perSecond()));
        }
        Result withMetrics = Result.merge(a);
        Result without = Result.merge(b);
        report.row(label, "on", withMetrics.requests(), withMetrics.failures(),
                String.format("%.1f", withMetrics.perSecond()), Report.ms(withMetrics.p50Micros()),
                Report.ms(withMetrics.p95Micros()));
        report.row(label, "off", without.requests(), without.failures(), String.format("%.1f", without.perSecond()),
                Report.ms(without.p50Micros()), Report.ms(without.p95Micros()));
        double ratio = withMetrics.perSecond() / without.perSecond();
        report.line("");
        report.line(label + ": on / off " + Report.ratio(ratio) + "; per round: " + String.join(", ", perRound));
        report.line("");
        return ratio;
    }

    private Result logins(OidcClient oidc, List<String> users, Duration duration, int max) {
        return LoadRun.run(concurrency, duration, max,
                n -> oidc.passwordGrant(users.get(n % users.size()), BenchData.PASSWORD).status() == 200);
    }

    private static long appUsersSeries(KeycloakServer server) {
        dev.appusers.keycloak.it.Http.Response metrics = dev.appusers.keycloak.it.Http.send(
                java.net.http.HttpClient.newHttpClient(), java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(server.managementUrl() + "/metrics")).build());
        return metrics.body().lines().filter(l -> l.startsWith("app_users_")).count();
    }

    /** A server on its own home, with a realm of its own whose component federates the bench's app database. */
    private static KeycloakServer start(Path home, String name, String metrics) throws IOException {
        List<String> options = List.of("--db-kind-appdb=postgres",
                "--db-url-full-appdb=" + AppDb.POSTGRES.url(BenchData.DATABASE),
                "--db-username-appdb=" + AppDb.POSTGRES.user, "--db-password-appdb=" + AppDb.POSTGRES.password,
                "--transaction-xa-enabled=true", "--transaction-xa-enabled-appdb=false", metrics);
        Path log = Path.of("target", "bench-metrics-" + name + ".log").toAbsolutePath();
        KeycloakServer server = KeycloakServer.start(home, options, "bench-metrics-" + name, log,
                ProcessBuilder.Redirect.to(log.toFile()), KeycloakServer.freePort(), KeycloakServer.freePort());
        AdminClient admin = new AdminClient(server);
        admin.delete("/" + REALM);
        admin.createRealm(REALM);
        admin.addFederation(REALM, Map.of());
        return server;
    }
}
