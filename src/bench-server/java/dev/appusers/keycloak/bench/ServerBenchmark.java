package dev.appusers.keycloak.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.appusers.keycloak.it.AdminClient;
import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.KeycloakServer;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.PgStatementLog;

/**
 * The server benchmark ({@code bench/server-bench.sh}): the real Keycloak 26.7.5 distribution with the provider on a
 * PostgreSQL app database, measured from outside over HTTP. Prints Markdown tables and writes them, with the plans of
 * every statement, to {@code target/bench-server/}. Bounded by request counts and round lengths.
 */
public final class ServerBenchmark {

    private static final String REALM = "bench";
    /** The scale measurements' realm: the federation only, no local users to fill the admin's pages first. */
    private static final String SCALE_REALM = "bench-scale";
    /** A realm role of the local users, for Keycloak's own "users in role" beside the app's. */
    static final String LOCAL_ROLE = "local-role";

    private ServerBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if ("soak".equals(System.getProperty("bench.only"))) {
            // bench/soak.sh: the soak benchmark instead (docs/soak.md)
            SoakBench.main(args);
            return;
        }
        if ("metrics".equals(System.getProperty("bench.only"))) {
            metricsCost(); // only what the meters cost (README, "Operations")
            return;
        }
        if (Boolean.getBoolean("bench.sync")) {
            SyncBench.run(); // import mode at scale instead (README, "Moving users into Keycloak")
            return;
        }
        int scaleUsers = Integer.getInteger("bench.scale.users", 1_000_000);
        Path out = Path.of("target", "bench-server");
        Report report = new Report(out.resolve("report.md"));
        long started = System.nanoTime();
        report.line("# Server benchmark, " + Instant.now());
        report.line("");
        report.line("Machine: " + Runtime.getRuntime().availableProcessors() + " cores (nproc); Keycloak 26.7.5 "
                + "(start-dev, heap -Xms256m -Xmx1g), its own database H2; the app database PostgreSQL on this machine.");

        BenchData.create();
        Map<BenchData.AppHash, String> hashes = new LinkedHashMap<>();
        for (BenchData.AppHash hash : BenchData.AppHash.values()) {
            hashes.put(hash, hash.make());
        }
        List<String> federated = BenchData.addUsers("kcargon", 100, hashes.get(BenchData.AppHash.KEYCLOAK_ARGON2));
        Map<BenchData.AppHash, List<String>> heavier = new LinkedHashMap<>();
        heavier.put(BenchData.AppHash.LITESTAR_ARGON2,
                BenchData.addUsers("litestar", 50, hashes.get(BenchData.AppHash.LITESTAR_ARGON2)));
        heavier.put(BenchData.AppHash.BCRYPT_12,
                BenchData.addUsers("bcrypt12", 50, hashes.get(BenchData.AppHash.BCRYPT_12)));
        long generating = System.nanoTime();
        BenchData.addScale(scaleUsers, hashes.get(BenchData.AppHash.BCRYPT_4));
        report.line("Generated " + scaleUsers + " scale users, 10 roles, " + scaleUsers + " user_role rows in "
                + (System.nanoTime() - generating) / 1_000_000_000 + " s.");

        KeycloakServer server = KeycloakServer.with(AppDb.POSTGRES, BenchData.DATABASE, "--metrics-enabled=true",
                "--transaction-xa-enabled=true", "--transaction-xa-enabled-appdb=false");
        try {
            AdminClient admin = new AdminClient(server);
            admin.delete("/" + REALM);
            admin.createRealm(REALM);
            String component = admin.addFederation(REALM, Map.of());
            admin.delete("/" + SCALE_REALM);
            admin.createRealm(SCALE_REALM);
            String scaleCache = System.getProperty("bench.scale.cachePolicy", "DEFAULT");
            admin.addFederation(SCALE_REALM, Map.of("cachePolicy", scaleCache));
            OidcClient oidc = new OidcClient(server, REALM);
            PgStatementLog statements = AppDb.postgresProxy().statements();
            Heap heap = new Heap(server);

            String only = System.getProperty("bench.only", "");
            if ("changes".equals(only)) {
                changeFeed(admin, oidc, component, statements, report, federated);
                return;
            }
            // first the admin's view of a million users, without and then with the recommended indexes; the login
            // measurements below run on the indexed tables, as an app of that size would have them
            ScaleBench scale = new ScaleBench(admin, SCALE_REALM, REALM, statements, report, scaleUsers,
                    new ProcessCpu(server.jvm().pid()));
            report.line("");
            report.line("The scale realm's component uses cachePolicy " + scaleCache + ".");
            scale.measure("Scale: " + scaleUsers + " users, schema's own indexes only (primary keys, UNIQUE email)",
                    0, 20, false);
            BenchData.createIndexes();
            report.line("");
            report.line("Indexes added: " + String.join("; ", BenchData.INDEXES));
            // after the indexes: each new user's email is checked against the app's users (Keycloak's duplicate
            // check), a sequential scan of a million rows without them
            List<String> local = createLocalUsers(admin, 100);
            long worst = scale.measure("Scale: " + scaleUsers + " users with the recommended indexes",
                    Integer.getInteger("bench.scale.warmups", 50), Integer.getInteger("bench.scale.requests", 200),
                    true);
            report.line("");
            report.line("Worst p95 with the indexes: " + Report.ms(worst) + " (goal <= 20 ms). Plans: "
                    + "target/bench-server/plans.md");
            Files.writeString(out.resolve("plans.md"), scale.plans());
            String recording = System.getProperty("bench.jfr.dump");
            if (recording != null) {
                // with -Dkeycloak.java.opts=-XX:StartFlightRecording: the profile of everything measured so far
                Heap.jcmd(server, "JFR.dump", "filename=" + Path.of(recording).toAbsolutePath());
            }
            if (!"scale".equals(only)) {
                logins(admin, oidc, component, statements, heap, report, federated, local, heavier, scaleUsers);
                changeFeed(admin, oidc, component, statements, report, federated);
            }
        } finally {
            server.stop();
        }
        String only = System.getProperty("bench.only", "");
        if (!"scale".equals(only) && !"changes".equals(only)) {
            // after the main server stopped: three servers of their own, metrics on, Keycloak's only, off
            new MetricsCostBench(report, Integer.getInteger("bench.concurrency", 4),
                    Duration.ofSeconds(Integer.getInteger("bench.round.seconds", 15)),
                    Integer.getInteger("bench.rounds", 3) * 2).run(Map.of(
                            BenchData.AppHash.KEYCLOAK_ARGON2.label, federated));
        }
        report.line("");
        report.line("Benchmark took " + (System.nanoTime() - started) / 60_000_000_000.0 + " min.");
    }

    /** {@code -Dbench.only=metrics}: the metrics-on against metrics-off comparison alone, on a small app database. */
    private static void metricsCost() throws Exception {
        Report report = new Report(Path.of("target", "bench-server").resolve("report-metrics.md"));
        report.line("# Metrics cost, " + Instant.now());
        report.line("");
        report.line("Machine: " + Runtime.getRuntime().availableProcessors() + " cores (nproc); Keycloak 26.7.5 "
                + "(start-dev), three servers (metrics on, Keycloak's only, off); the app database PostgreSQL on this machine.");
        BenchData.create();
        Map<String, List<String>> groups = new LinkedHashMap<>();
        groups.put(BenchData.AppHash.KEYCLOAK_ARGON2.label, BenchData.addUsers("kcargon", 100,
                BenchData.AppHash.KEYCLOAK_ARGON2.make()));
        groups.put(BenchData.AppHash.BCRYPT_4.label.replace(" (scale data only)", ""), BenchData.addUsers("bcrypt4",
                100, BenchData.AppHash.BCRYPT_4.make()));
        new MetricsCostBench(report, Integer.getInteger("bench.concurrency", 4),
                Duration.ofSeconds(Integer.getInteger("bench.round.seconds", 15)),
                Integer.getInteger("bench.rounds", 6)).run(groups);
    }

    /** Logins (federated against local, heavier schemes), statements per login, heap after distinct logins. */
    private static void logins(AdminClient admin, OidcClient oidc, String component,
                               PgStatementLog statements, Heap heap, Report report, List<String> federated,
                               List<String> local, Map<BenchData.AppHash, List<String>> heavier, int scaleUsers) {
        int concurrency = Integer.getInteger("bench.concurrency", 4);
        Duration round = Duration.ofSeconds(Integer.getInteger("bench.round.seconds", 15));
        int rounds = Integer.getInteger("bench.rounds", 3);
        int heapLogins = Integer.getInteger("bench.heap.logins", 10_000);
        LoginBench logins = new LoginBench(oidc, admin, REALM, heap, report, concurrency, round);
        logins.federatedAgainstLocal(federated, local, rounds);
        logins.heavierSchemes(heavier);

        report.heading("App database statements per password login (read off the PostgreSQL wire)");
        report.table("cache policy", "logins", "statements per login", "most in one login",
                "repeated in one login", "statements");
        StatementsPerLogin.count("DEFAULT (users cached by Keycloak)", oidc, statements, federated.subList(0, 20),
                report);
        setCachePolicy(admin, component, "NO_CACHE");
        StatementsPerLogin.count("NO_CACHE", oidc, statements, federated.subList(20, 40), report);
        setCachePolicy(admin, component, "DEFAULT");

        logins.heapAfterDistinctLogins(heapLogins, scaleUsers);
    }

    /** The change feed last: it installs the change table and its triggers in the app database. */
    private static void changeFeed(AdminClient admin, OidcClient oidc, String component, PgStatementLog statements,
                                   Report report, List<String> federated) throws java.sql.SQLException {
        new ChangeFeedBench(admin, REALM, component, oidc, statements, report).run(federated,
                Integer.getInteger("bench.concurrency", 4),
                Duration.ofSeconds(Integer.getInteger("bench.round.seconds", 15)),
                Integer.getInteger("bench.rounds", 3));
    }

    /** Local users of realm {@value #REALM}, all of them members of the realm role {@value #LOCAL_ROLE}. */
    private static List<String> createLocalUsers(AdminClient admin, int count) {
        AdminClient.expect(admin.post("/" + REALM + "/roles", Map.of("name", LOCAL_ROLE)), 201, "create local role");
        JsonNode role = AdminClient.expect(admin.get("/" + REALM + "/roles/" + LOCAL_ROLE), 200, "read role").json();
        List<String> usernames = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String username = "local-" + i + "@keycloak.test";
            Http.Response created = AdminClient.expect(admin.post("/" + REALM + "/users", Map.of("username", username,
                    "email", username, "firstName", "Local", "lastName", "User" + i, "enabled", true,
                    "emailVerified", true, "credentials", List.of(Map.of("type", "password", "value",
                            BenchData.PASSWORD, "temporary", false)))), 201, "create local user");
            String location = created.header("Location");
            AdminClient.expect(admin.post("/" + REALM + "/users/" + location.substring(location.lastIndexOf('/') + 1)
                    + "/role-mappings/realm", List.of(role)), 204, "grant the local role");
            usernames.add(username);
        }
        return usernames;
    }

    private static void setCachePolicy(AdminClient admin, String component, String policy) {
        ObjectNode representation = (ObjectNode) admin.component(REALM, component);
        ArrayNode value = ((ObjectNode) representation.get("config")).putArray("cachePolicy");
        value.add(policy);
        Http.Response saved = admin.put("/" + REALM + "/components/" + component, representation.toString());
        AdminClient.expect(saved, 204, "set cachePolicy " + policy);
    }
}
