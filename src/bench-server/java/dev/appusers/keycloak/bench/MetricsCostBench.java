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
 * What metrics cost (docs, "Operations"): federated password grants on three servers of the same distribution on the
 * same app database, each from its own copy of the distribution (metrics-enabled is a build option): Keycloak without
 * metrics ({@code off}), with its metrics but the provider's meters switched off ({@code keycloak}:
 * {@link dev.appusers.keycloak.metrics.AppUsersMeters#OPTION}{@code =false}), and with both ({@code on}). So the
 * provider's share (on / keycloak) is told apart from Keycloak's own meters (keycloak / off), which
 * {@code --metrics-enabled} turns on too. Rounds rotate over the servers, and which one goes first rotates too, so
 * the machine's drift hits all three; the others idle meanwhile. Two hashes: Keycloak's own argon2 (a realistic
 * sign-in) and bcrypt with 4 rounds (a cheap hash, where the meters' share is largest).
 */
final class MetricsCostBench {

    private static final String REALM = "bench-metrics";
    private static final String[] NAMES = {"on", "keycloak", "off"};

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

    /** @param groups users by hash label: each group is measured on the three servers */
    void run(Map<String, List<String>> groups) throws IOException {
        Path root = Path.of("target", "bench-metrics").toAbsolutePath();
        KeycloakServer.deleteRecursively(root);
        List<KeycloakServer> servers = new ArrayList<>();
        try {
            servers.add(start(root, "on", "--metrics-enabled=true"));
            servers.add(start(root, "keycloak", "--metrics-enabled=true",
                    dev.appusers.keycloak.metrics.AppUsersMeters.OPTION + "=false"));
            servers.add(start(root, "off", "--metrics-enabled=false"));
            report.heading("What metrics cost: federated password grants, concurrency " + concurrency + ", " + rounds
                    + " rotating rounds of " + round.toSeconds() + " s per server; on = Keycloak's metrics and the "
                    + "provider's meters, keycloak = Keycloak's metrics only, off = no metrics");
            report.table("hash", "server", "logins", "failed", "logins/s", "p50", "p95");
            List<String> totals = new ArrayList<>();
            double cheapest = 0; // the most logins per second: the cheapest hash, where the recording weighs most
            for (Map.Entry<String, List<String>> group : groups.entrySet()) {
                double[] ratios = compare(group.getKey(), group.getValue(), servers);
                cheapest = Math.max(cheapest, ratios[3]);
                totals.add(group.getKey() + ": provider's meters (on / keycloak) **" + Report.ratio(ratios[0])
                        + "**, Keycloak's metrics (keycloak / off) " + Report.ratio(ratios[1]) + ", all (on / off) "
                        + Report.ratio(ratios[2]));
            }
            report.line("");
            report.line("Throughput ratios, medians of the rounds (goal for the provider's meters: within 2 %, i.e. "
                    + ">= 0.98): " + String.join("; ", totals));
            report.line("");
            double recording = RecordingCost.nanosPerSignIn(200_000);
            double cpuPerLogin = Runtime.getRuntime().availableProcessors() * 1e9 / cheapest;
            report.line(String.format("The provider's recording of one sign-in, in-process (RecordingCost): %.2f µs; "
                    + "at the cheapest hash's %.1f logins/s on %d cores a login has %.1f ms of CPU, so the recording "
                    + "is %.4f %% of it.", recording / 1000, cheapest, Runtime.getRuntime().availableProcessors(),
                    cpuPerLogin / 1e6, 100 * recording / cpuPerLogin));
            report.line("");
            report.line("Series after the runs: on " + appUsersSeries(servers.get(0)) + " app_users_, keycloak "
                    + appUsersSeries(servers.get(1)) + " app_users_; the off-server has no /metrics.");
        } finally {
            servers.forEach(KeycloakServer::stop);
        }
    }

    /**
     * @return the medians over rounds of on / keycloak, keycloak / off and on / off, and the on-server's logins per
     *         second
     */
    private double[] compare(String label, List<String> users, List<KeycloakServer> servers) {
        List<OidcClient> clients = servers.stream().map(s -> new OidcClient(s, REALM)).toList();
        clients.forEach(c -> logins(c, users, Duration.ofSeconds(5), 40));
        List<List<Result>> results = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        List<Double> provider = new ArrayList<>();
        List<Double> keycloak = new ArrayList<>();
        List<Double> all = new ArrayList<>();
        List<String> perRound = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            double[] perSecond = new double[3];
            for (int k = 0; k < 3; k++) {
                int which = (i + k) % 3;
                Result result = logins(clients.get(which), users, round, Integer.MAX_VALUE);
                results.get(which).add(result);
                perSecond[which] = result.perSecond();
            }
            provider.add(perSecond[0] / perSecond[1]);
            keycloak.add(perSecond[1] / perSecond[2]);
            all.add(perSecond[0] / perSecond[2]);
            perRound.add(Report.ratio(perSecond[0] / perSecond[1]) + "/" + Report.ratio(perSecond[1] / perSecond[2]));
        }
        for (int which = 0; which < 3; which++) {
            Result merged = Result.merge(results.get(which));
            report.row(label, NAMES[which], merged.requests(), merged.failures(),
                    String.format("%.1f", merged.perSecond()), Report.ms(merged.p50Micros()),
                    Report.ms(merged.p95Micros()));
        }
        double[] medians = {median(provider), median(keycloak), median(all),
                Result.merge(results.get(0)).perSecond()};
        report.line("");
        report.line(label + ": on / keycloak " + Report.ratio(medians[0]) + ", keycloak / off "
                + Report.ratio(medians[1]) + ", on / off " + Report.ratio(medians[2])
                + "; per round (on / keycloak, keycloak / off): " + String.join(", ", perRound));
        report.line("");
        return medians;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
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
    private static KeycloakServer start(Path root, String name, String... metrics) throws IOException {
        Path home = KeycloakCluster.copyDistribution(KeycloakServer.home(), root.resolve(name));
        List<String> options = List.of("--db-kind-appdb=postgres",
                "--db-url-full-appdb=" + AppDb.POSTGRES.url(BenchData.DATABASE),
                "--db-username-appdb=" + AppDb.POSTGRES.user, "--db-password-appdb=" + AppDb.POSTGRES.password,
                "--transaction-xa-enabled=true", "--transaction-xa-enabled-appdb=false");
        options = new ArrayList<>(options);
        options.addAll(List.of(metrics));
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
