package dev.appusers.keycloak.bench;

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
 * mixed, one role each), runs "Sync all users" through the admin REST API on Keycloak with its own database on
 * PostgreSQL, and prints the result, users per second, Keycloak's heap (peak during, and after a full GC before and
 * after) and the sync's progress lines; then a second full sync (nothing to add) and a changed-users sync.
 */
final class SyncBench {

    private static final String APP_DATABASE = AppDb.database("appusers_syncbench");
    private static final String KEYCLOAK_DATABASE = AppDb.database("keycloak_syncbench");
    private static final String REALM = "syncbench";

    private SyncBench() {
    }

    static void run() {
        int users = Integer.getInteger("bench.sync.users", 100_000);
        AppDb db = AppDb.POSTGRES;
        long generating = System.nanoTime();
        db.create(APP_DATABASE);
        db.execute(APP_DATABASE, "ALTER TABLE \"user\" ADD COLUMN updated_at TIMESTAMP NOT NULL DEFAULT now();\n"
                + "INSERT INTO \"user\" (id, email, password_hash, is_active, is_verified, token_count, updated_at) "
                + "SELECT md5('sync' || g)::uuid, 'sync' || lpad(g::text, 7, '0') || '@bench.test', "
                + "(ARRAY[" + hashes() + "])[1 + g % " + hashCount() + "], g % 50 <> 0, g % 3 = 0, g % 1000, "
                + "now() - interval '1 day' FROM generate_series(1, " + users + ") g;\n"
                + "INSERT INTO user_role (id, user_id, role_id) SELECT md5('ur' || g)::uuid, md5('sync' || g)::uuid, "
                + "r.id FROM generate_series(1, " + users + ") g JOIN role r ON r.name = "
                + "(ARRAY['admin', 'editor', 'viewer'])[1 + g % 3];\n"
                + "ANALYZE;\n");
        System.out.printf("Generated %d app users (%d hash formats mixed) in %d s%n", users, hashCount(),
                (System.nanoTime() - generating) / 1_000_000_000);
        db.createEmpty(KEYCLOAK_DATABASE);
        KeycloakServer server = KeycloakServer.with(db, APP_DATABASE, "--metrics-enabled=true", "--db=postgres",
                "--db-url=" + db.url(KEYCLOAK_DATABASE), "--db-username=" + db.user, "--db-password=" + db.password);
        try {
            AdminClient admin = new AdminClient(server);
            admin.delete("/" + REALM);
            admin.createRealm(REALM);
            String component = admin.addFederation(REALM, Map.of("importEnabled", "true",
                    "lastModifiedColumn", "updated_at", "userAttributeColumns", "token_count"));
            Heap heap = new Heap(server);
            long before = heap.usedAfterGcMiB();
            long[] took = new long[1];
            String[] result = new String[1];
            long peak = heap.peakDuring(() -> {
                long started = System.nanoTime();
                result[0] = sync(server, admin, component, "triggerFullSync");
                took[0] = System.nanoTime() - started;
            });
            long after = heap.usedAfterGcMiB();
            double seconds = took[0] / 1e9;
            System.out.printf("%nFull sync of %d users: %s in %.1f s = %.0f users/s; Keycloak heap %d MiB before, "
                    + "peak %d MiB during, %d MiB after (after a full GC)%n", users, result[0], seconds,
                    users / seconds, before, peak, after);
            long again = System.nanoTime();
            String second = sync(server, admin, component, "triggerFullSync");
            double secondSeconds = (System.nanoTime() - again) / 1e9;
            System.out.printf("Second full sync (all unchanged): %s in %.1f s = %.0f users/s%n", second, secondSeconds,
                    users / secondSeconds);
            db.execute(APP_DATABASE, "UPDATE \"user\" SET token_count = token_count + 1, updated_at = now() "
                    + "WHERE email LIKE 'sync00001%';\n");
            long changed = System.nanoTime();
            String changes = sync(server, admin, component, "triggerChangedUsersSync");
            System.out.printf("Changed users sync: %s in %.1f s%n", changes, (System.nanoTime() - changed) / 1e9);
            System.out.println("\nProgress lines in Keycloak's log:");
            server.log().lines().filter(l -> l.contains("Sync of app-users")).forEach(System.out::println);
        } finally {
            server.stop();
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

    private static int hashCount() {
        return hashList().size();
    }

    private static String hashes() {
        return String.join(", ", hashList().stream().map(h -> "'" + h.replace("'", "''") + "'").toList());
    }
}
