package dev.appusers.keycloak.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.appusers.keycloak.it.AdminClient;
import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.KeycloakServer;

/**
 * Import mode at scale ({@code ./mvnw -Pbench-server package -Dbench.sync=true}, users with
 * {@code -Dbench.sync.users=100000}): generates the app's users in SQL (every hash format of {@code hashes.json}
 * mixed, one role each) and runs "Sync all users" through the admin REST API on Keycloak with its own database on
 * PostgreSQL, twice in one run: first with new users written through Keycloak's {@code addUser}
 * ({@code -Dappusers.sync.newUsers=model}; {@code -Dbench.sync.model.users}, default the smaller of 10,000 and the
 * users, 0 skips it), then as Keycloak's entities one page at a time ({@code -Dappusers.sync.threads=1};
 * {@code -Dbench.sync.serial.users}, same default), then as entities two pages at a time (the default), each on a
 * fresh Keycloak database. Prints users per
 * second and their ratio, the work on Keycloak's database per user (table reads, rows inserted, transactions, from
 * PostgreSQL's statistics), the CPU Keycloak and the PostgreSQL backends of both databases spent per 1,000 users
 * (wall-clock rates depend on what else runs on the machine; the CPU less so), Keycloak's heap (after a full GC before and after, peak during), then for the second
 * server a second full sync (nothing to add) and a changed-users sync ({@code -Dbench.sync.again=false} skips them).
 */
final class SyncBench {

    private static final String REALM = "syncbench";

    private record Outcome(String result, double seconds, int users) {
        double rate() {
            return users / seconds;
        }
    }

    private SyncBench() {
    }

    static void run() {
        int users = Integer.getInteger("bench.sync.users", 10_000);
        int modelUsers = Integer.getInteger("bench.sync.model.users", Math.min(users, 10_000));
        System.out.printf("cores (nproc): %d%n", Runtime.getRuntime().availableProcessors());
        Outcome model = null;
        if (modelUsers > 0) {
            model = measure("addUser (-Dappusers.sync.newUsers=model)", "model", modelUsers,
                    "-Dappusers.sync.newUsers=model", false);
        }
        int serialUsers = Integer.getInteger("bench.sync.serial.users", Math.min(users, 10_000));
        Outcome serial = null;
        if (serialUsers > 0) {
            serial = measure("entities, one page at a time (-Dappusers.sync.threads=1)", "serial", serialUsers,
                    "-Dappusers.sync.threads=1", false);
        }
        Outcome entities = measure("entities, two pages at a time (default)", "entities", users, "",
                Boolean.parseBoolean(System.getProperty("bench.sync.again", "true")));
        if (serial != null) {
            System.out.printf("%nTwo pages at a time: %.0f users/s against %.0f users/s one page at a time: %.2f "
                    + "times as fast%n", entities.rate(), serial.rate(), entities.rate() / serial.rate());
        }
        if (model != null) {
            System.out.printf("%nNew users as entities: %.0f users/s against %.0f users/s through addUser: %.1f times"
                    + " as fast%n", entities.rate(), model.rate(), entities.rate() / model.rate());
        }
    }

    private static Outcome measure(String label, String name, int users, String javaOpts, boolean more) {
        AppDb db = AppDb.POSTGRES;
        String appDatabase = AppDb.database("appusers_syncbench_" + name);
        String keycloakDatabase = AppDb.database("keycloak_syncbench_" + name);
        generate(db, appDatabase, users);
        db.createEmpty(keycloakDatabase);
        String before = System.getProperty("keycloak.java.opts", "");
        System.setProperty("keycloak.java.opts", (before + " " + javaOpts).strip());
        KeycloakServer server = KeycloakServer.with(db, appDatabase, "--metrics-enabled=true", "--db=postgres",
                "--db-url=" + db.url(keycloakDatabase), "--db-username=" + db.user, "--db-password=" + db.password);
        System.setProperty("keycloak.java.opts", before);
        try {
            AdminClient admin = new AdminClient(server);
            admin.delete("/" + REALM);
            admin.createRealm(REALM);
            String component = admin.addFederation(REALM, Map.of("importEnabled", "true",
                    "lastModifiedColumn", "updated_at", "userAttributeColumns", "token_count"));
            Heap heap = new Heap(server);
            long heapBefore = heap.usedAfterGcMiB();
            long[] work = databaseWork(db, keycloakDatabase);
            ProcessCpu keycloakCpu = new ProcessCpu(server.jvm().pid());
            Map<Long, Long> backends = backendCpu(db, keycloakDatabase, appDatabase);
            long cpuBefore = keycloakCpu.micros();
            String load = load();
            Outcome[] outcome = new Outcome[1];
            Thread analyze = autoanalyze(db, keycloakDatabase);
            long peak;
            try {
                peak = heap.peakDuring(() -> {
                    long started = System.nanoTime();
                    String result = sync(server, admin, component, "triggerFullSync");
                    outcome[0] = new Outcome(result, (System.nanoTime() - started) / 1e9, users);
                });
            } finally {
                if (analyze != null) {
                    analyze.interrupt();
                }
            }
            long keycloakMicros = keycloakCpu.micros() - cpuBefore;
            long postgresMicros = 0;
            for (Map.Entry<Long, Long> backend : backendCpu(db, keycloakDatabase, appDatabase).entrySet()) {
                postgresMicros += backend.getValue() - backends.getOrDefault(backend.getKey(), 0L);
            }
            String loadAfter = load();
            long heapAfter = heap.usedAfterGcMiB();
            if (Boolean.getBoolean("bench.sync.histogram")) {
                Heap.histogram(server, 15); // what the heap holds after the sync, largest first
            }
            long[] done = databaseWork(db, keycloakDatabase);
            System.out.printf("%nNew users through %s: full sync of %d users: %s in %.1f s = %.0f users/s; Keycloak "
                    + "heap %d MiB before, peak %d MiB during, %d MiB after (after a full GC)%n", label, users,
                    outcome[0].result(), outcome[0].seconds(), outcome[0].rate(), heapBefore, peak, heapAfter);
            System.out.printf("  Keycloak's database per user: %.2f table reads (index or sequential scans), %.2f rows "
                    + "inserted, %.3f transactions%n", (done[0] - work[0]) / (double) users,
                    (done[1] - work[1]) / (double) users, (done[2] - work[2]) / (double) users);
            System.out.printf("  CPU per 1,000 users: Keycloak %.2f s, PostgreSQL backends of both databases %.2f s; "
                    + "load average %s before, %s after%n", keycloakMicros / 1e3 / users,
                    postgresMicros / 1e3 / users, load, loadAfter);
            if (more) {
                again(db, appDatabase, server, admin, component, users);
            }
            server.log().lines().filter(l -> l.contains("Sync of app-users")).forEach(l -> System.out.println("  " + l));
            return outcome[0];
        } finally {
            server.stop();
        }
    }

    /**
     * When this machine's PostgreSQL runs with {@code autovacuum} off, Keycloak's user table keeps the statistics of
     * its first rows, and PostgreSQL then plans each batch's lookup of existing users as a scan of the whole realm,
     * so every batch costs more than the one before. A default PostgreSQL analyzes a table that grew by a tenth on
     * its own (autoanalyze); this does the same every 5 s while the sync runs, and says so. Null when autovacuum is
     * on ({@code -Dbench.sync.autoanalyze=false} skips it).
     */
    private static Thread autoanalyze(AppDb db, String keycloakDatabase) {
        try (Connection c = db.connect(keycloakDatabase); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW autovacuum")) {
            if (!rs.next() || "on".equals(rs.getString(1))
                    || !Boolean.parseBoolean(System.getProperty("bench.sync.autoanalyze", "true"))) {
                return null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        System.out.println("  (PostgreSQL's autovacuum is off here: ANALYZE of Keycloak's user tables every 5 s "
                + "during the sync, as autoanalyze does on a default PostgreSQL)");
        Thread thread = new Thread(() -> {
            try (Connection c = db.connect(keycloakDatabase); Statement s = c.createStatement()) {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(5000);
                    s.execute("ANALYZE user_entity, user_attribute, credential, user_role_mapping, "
                            + "user_group_membership");
                }
            } catch (InterruptedException | SQLException e) {
                // the sync is done
            }
        }, "autoanalyze");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** A second full sync (nothing to add) and a changed-users sync of about 100 rows. */
    private static void again(AppDb db, String appDatabase, KeycloakServer server, AdminClient admin,
                              String component, int users) {
        long again = System.nanoTime();
        String second = sync(server, admin, component, "triggerFullSync");
        double secondSeconds = (System.nanoTime() - again) / 1e9;
        System.out.printf("Second full sync (all unchanged): %s in %.1f s = %.0f users/s%n", second, secondSeconds,
                users / secondSeconds);
        db.execute(appDatabase, "UPDATE \"user\" SET token_count = token_count + 1, updated_at = now() "
                + "WHERE email LIKE 'sync00001%';\n");
        long changed = System.nanoTime();
        String changes = sync(server, admin, component, "triggerChangedUsersSync");
        System.out.printf("Changed users sync: %s in %.1f s%n", changes, (System.nanoTime() - changed) / 1e9);
    }

    private static void generate(AppDb db, String appDatabase, int users) {
        long generating = System.nanoTime();
        db.create(appDatabase);
        db.execute(appDatabase, "ALTER TABLE \"user\" ADD COLUMN updated_at TIMESTAMP NOT NULL DEFAULT now();\n"
                + "INSERT INTO \"user\" (id, email, password_hash, is_active, is_verified, token_count, updated_at) "
                + "SELECT md5('sync' || g)::uuid, 'sync' || lpad(g::text, 7, '0') || '@bench.test', "
                + "(ARRAY[" + hashes() + "])[1 + g % " + hashList().size() + "], g % 50 <> 0, g % 3 = 0, g % 1000, "
                + "now() - interval '1 day' FROM generate_series(1, " + users + ") g;\n"
                + "INSERT INTO user_role (id, user_id, role_id) SELECT md5('ur' || g)::uuid, md5('sync' || g)::uuid, "
                + "r.id FROM generate_series(1, " + users + ") g JOIN role r ON r.name = "
                + "(ARRAY['admin', 'editor', 'viewer'])[1 + g % 3];\n"
                + "ANALYZE;\n");
        System.out.printf("%nGenerated %d app users (%d hash formats mixed) in %d s%n", users, hashList().size(),
                (System.nanoTime() - generating) / 1_000_000_000);
    }

    /**
     * Table reads (index and sequential scans), rows inserted and commits on Keycloak's database so far, from
     * PostgreSQL's statistics; read after 11 s, as an idle backend reports its counts within 10 s.
     */
    private static long[] databaseWork(AppDb db, String keycloakDatabase) {
        try {
            Thread.sleep(11_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Connection c = db.connect(keycloakDatabase); Statement s = c.createStatement();
             ResultSet tables = s.executeQuery("SELECT coalesce(sum(seq_scan + coalesce(idx_scan, 0)), 0), "
                     + "coalesce(sum(n_tup_ins), 0), (SELECT xact_commit FROM pg_stat_database WHERE datname = "
                     + "current_database()) FROM pg_stat_user_tables")) {
            tables.next();
            return new long[] {tables.getLong(1), tables.getLong(2), tables.getLong(3)};
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read PostgreSQL's statistics", e);
        }
    }

    /** CPU so far of each PostgreSQL backend connected to these databases, by process id. */
    private static Map<Long, Long> backendCpu(AppDb db, String... databases) {
        Map<Long, Long> cpu = new java.util.HashMap<>();
        try (Connection c = db.connect(databases[0]); java.sql.PreparedStatement s = c.prepareStatement(
                "SELECT pid FROM pg_stat_activity WHERE datname = ANY (?) AND pid <> pg_backend_pid()")) {
            s.setArray(1, c.createArrayOf("text", databases));
            try (ResultSet pids = s.executeQuery()) {
                while (pids.next()) {
                    cpu.put(pids.getLong(1), new ProcessCpu(pids.getLong(1)).micros());
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list PostgreSQL's backends", e);
        }
        return cpu;
    }

    private static String load() {
        try {
            String[] fields = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
            return String.join(" ", fields[0], fields[1], fields[2]);
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    /**
     * The sync's answer; when the admin request outlived Keycloak's transaction timeout (300 s: the users are
     * imported in transactions of their own, but the request's own one is rolled back and the answer is an error),
     * the sync's last log line instead.
     */
    private static String sync(KeycloakServer server, AdminClient admin, String component, String action) {
        Http.Response response = admin.post("/" + REALM + "/user-storage/" + component + "/sync?action=" + action, "");
        if (response.status() == 200) {
            return response.body();
        }
        String finished = server.log().lines().filter(l -> l.contains("Sync of app-users finished"))
                .reduce((a, b) -> b).orElse("no finish line");
        return "HTTP " + response.status() + " (request outlived its transaction); log: "
                + finished.substring(finished.indexOf("Sync of"));
    }

    private static final Pattern HASH = Pattern.compile("\"hash\"\\s*:\\s*\"([^\"]+)\"");

    private static List<String> hashList() {
        List<String> hashes = new ArrayList<>();
        Matcher m = HASH.matcher(AppDb.resource("hashes.json"));
        while (m.find()) {
            hashes.add(m.group(1).replace("\\/", "/"));
        }
        return hashes;
    }

    private static String hashes() {
        return String.join(", ", hashList().stream().map(h -> "'" + h.replace("'", "''") + "'").toList());
    }
}
