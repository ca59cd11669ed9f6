package dev.appusers.keycloak.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import dev.appusers.keycloak.it.AdminClient;
import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.KeycloakServer;

/**
 * The soak benchmark ({@code bench/soak.sh}, {@code -Dbench.only=soak}; docs/soak.md): the real Keycloak distribution
 * on a PostgreSQL app database under a paced mixed load for {@code -Dsoak.minutes} (default 10), with one outage of
 * the app database in the middle. Checks that Keycloak answers no 5xx outside the outage, federated logins come back
 * within 30 s, the heap after full GC ends within 10% of where it started, and no connection of Keycloak's to the app
 * database is left active or idle in a transaction. Writes {@code target/bench-server/soak.md} and
 * {@code soak-seconds.csv}; fails (an exception, so Maven exits non-zero) when a goal is missed.
 */
public final class SoakBench {

    static final String REALM = "soak";
    static final String DATABASE = AppDb.database("appusers_soak");
    static final int USERS = 50;
    /** The fixture's hash of dave (bcrypt cost 10, {@code $2y$}), cheap enough not to saturate 2 cores by itself. */
    static final String HASH = "$2y$10$SaI5xdjfcTAb/eutsWCVCefOtgLc2wAi3cGRp7y4FI3iBuAqKth6e";
    static final String PASSWORD = "dave-Secret-4";
    static final String ADMIN = "soak-admin";
    static final String ADMIN_PASSWORD = "Soak-Admin-1";
    static final int RECOVERY_GOAL_SECONDS = 30;
    static final double HEAP_GOAL = 1.10;

    private SoakBench() {
    }

    public static void main(String[] args) throws Exception {
        SoakOptions options = SoakOptions.fromSystemProperties();
        Path out = Path.of("target", "bench-server");
        Report report = new Report(out.resolve("soak.md"));
        report.line("# Soak benchmark, " + Instant.now());
        report.line("");
        List<String> users = seed();
        KeycloakServer server = KeycloakServer.with(AppDb.POSTGRES, DATABASE, "--metrics-enabled=true",
                "--transaction-xa-enabled=true", "--transaction-xa-enabled-appdb=false");
        try {
            AdminClient admin = new AdminClient(server);
            admin.delete("/" + REALM);
            admin.createRealm(REALM);
            admin.addFederation(REALM, Map.of("cachePolicy", "DEFAULT"));
            createLocalAdmin(admin);
            report.line("Machine: " + Runtime.getRuntime().availableProcessors() + " cores; load average at the start "
                    + Files.readString(Path.of("/proc/loadavg")).strip() + ". Keycloak 26.7.5 start-dev, its own heap ("
                    + heapFlags(server) + "), its own database H2; the app database " + postgresVersion()
                    + " on this machine, reached through the test proxy.");
            report.line("App users: " + USERS + " (`soak-<n>@soak.test`, role `viewer`), all with the fixture's bcrypt "
                    + "cost 10 hash (`$2y$10$`); component cachePolicy DEFAULT; a local admin with view-users and "
                    + "query-users of realm-management.");
            report.line("Load: " + options.describe() + ".");
            run(server, admin, users, options, report, out);
        } finally {
            server.stop();
        }
    }

    private static void run(KeycloakServer server, AdminClient admin, List<String> users, SoakOptions options,
                            Report report, Path out) throws Exception {
        SoakLoad load = new SoakLoad(server.baseUrl(), REALM, users, PASSWORD, ADMIN, ADMIN_PASSWORD);
        Heap heap = new Heap(server);

        long warmupStart = System.nanoTime();
        SoakTimeline warmup = new SoakTimeline(warmupStart);
        long warmupEnd = warmupStart + TimeUnit.SECONDS.toNanos(options.warmupSeconds());
        load.start(warmup, options.threads(), options.rate(), warmupEnd, cap(options, warmupEnd - warmupStart))
                .get(options.warmupSeconds() + 60L, TimeUnit.SECONDS);
        logoutAll(admin);
        load.forgetSessions();
        long heapStart = heap.usedAfterGcMiB();

        long start = System.nanoTime();
        SoakTimeline timeline = new SoakTimeline(start);
        long planned = TimeUnit.MINUTES.toNanos(options.minutes());
        long hardEnd = start + planned + TimeUnit.MINUTES.toNanos(options.waitMinutes()) + planned;
        Future<?> running = load.start(timeline, options.threads(), options.rate(), hardEnd,
                cap(options, hardEnd - start));
        sleepUntil(start + planned / 2);
        AppDbOutage.Result outage = AppDbOutage.run(options.outage(), AppDb.postgresProxy(), options.waitMinutes(),
                options.cutSeconds(), System.out::println);
        sleepUntil(Math.max(start + planned, outage.back() + planned / 2));
        load.stop();
        running.get(120, TimeUnit.SECONDS);
        long end = System.nanoTime();

        logoutAll(admin);
        long heapEnd = heap.usedAfterGcMiB();
        SoakConnections.Leftovers connections = SoakConnections.afterSettling(DATABASE);

        Files.writeString(out.resolve("soak-seconds.csv"), timeline.csv());
        SoakResult result = new SoakResult(timeline, outage, timeline.outage(outage.start(), outage.back()),
                warmup.requests().size(), (end - start) / 1e9, heapStart, heapEnd, connections);
        List<String> missed = result.report(report);
        if (!missed.isEmpty()) {
            throw new IllegalStateException("soak goals missed: " + String.join("; ", missed));
        }
    }

    /** The fixture app database plus {@value #USERS} users with the role {@code viewer}; returns their emails. */
    private static List<String> seed() throws SQLException {
        AppDb.POSTGRES.create(DATABASE);
        List<String> emails = new ArrayList<>();
        try (Connection c = AppDb.POSTGRES.connect(DATABASE);
             PreparedStatement user = c.prepareStatement("INSERT INTO \"user\" (id, email, password_hash, is_active, "
                     + "is_verified) VALUES (?, ?, ?, true, true)");
             PreparedStatement role = c.prepareStatement("INSERT INTO user_role (id, user_id, role_id) "
                     + "SELECT ?, ?, id FROM role WHERE name = 'viewer'")) {
            for (int i = 0; i < USERS; i++) {
                UUID id = UUID.randomUUID();
                String email = "soak-" + i + "@soak.test";
                user.setObject(1, id);
                user.setString(2, email);
                user.setString(3, HASH);
                user.executeUpdate();
                role.setObject(1, UUID.randomUUID());
                role.setObject(2, id);
                role.executeUpdate();
                emails.add(email);
            }
        }
        return emails;
    }

    /** A local user of the realm who may search its users (realm-management view-users, query-users). */
    private static void createLocalAdmin(AdminClient admin) {
        Http.Response created = AdminClient.expect(admin.post("/" + REALM + "/users", Map.of("username", ADMIN,
                "email", ADMIN + "@keycloak.test", "firstName", "Soak", "lastName", "Admin", "enabled", true,
                "emailVerified", true, "credentials", List.of(Map.of("type", "password", "value", ADMIN_PASSWORD,
                        "temporary", false)))), 201, "create the local admin");
        String location = created.header("Location");
        String userId = location.substring(location.lastIndexOf('/') + 1);
        String client = AdminClient.expect(admin.get("/" + REALM + "/clients?clientId=realm-management"), 200,
                "find realm-management").json().get(0).get("id").asText();
        List<JsonNode> roles = new ArrayList<>();
        for (String role : List.of("view-users", "query-users")) {
            roles.add(AdminClient.expect(admin.get("/" + REALM + "/clients/" + client + "/roles/" + role), 200,
                    "read " + role).json());
        }
        AdminClient.expect(admin.post("/" + REALM + "/users/" + userId + "/role-mappings/clients/" + client, roles),
                204, "grant the local admin's roles");
    }

    /** Ends every session of the realm, so the heap readings do not count the load's sessions. */
    private static void logoutAll(AdminClient admin) {
        AdminClient.expect(admin.post("/" + REALM + "/logout-all", ""), 200, "logout all");
    }

    private static String heapFlags(KeycloakServer server) {
        String[] arguments = server.jvm().info().arguments().orElse(new String[0]);
        List<String> flags = new ArrayList<>();
        for (String argument : arguments) {
            if (argument.startsWith("-Xm") || argument.contains("RAMPercentage")) {
                flags.add(argument);
            }
        }
        return flags.isEmpty() ? "JVM defaults" : String.join(" ", flags);
    }

    private static String postgresVersion() throws SQLException {
        try (Connection c = AppDb.POSTGRES.connect(DATABASE); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            return "PostgreSQL " + rs.getString(1).split(" ")[0];
        }
    }

    /** The most requests the paced load can send in {@code nanos}: a bound besides the deadline. */
    private static int cap(SoakOptions options, long nanos) {
        return (int) Math.ceil(options.rate() * nanos / 1e9) + options.threads();
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long wait = nanos - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}
