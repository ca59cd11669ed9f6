package dev.appusers.keycloak.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

import dev.appusers.keycloak.it.AppDb;

/**
 * CPU time that PostgreSQL spends serving Keycloak: the server processes (backends) of Keycloak's connections to the
 * app database, told apart from the app load's own connections by their {@code application_name}, and their
 * user + system time read from Linux's {@code /proc}. With no sign-ins during a window, that is what the change feed
 * costs the app database; other databases' and other clients' work on the same server does not count.
 */
final class DatabaseCpu {

    /** The {@code application_name} the benchmark's app load connects with. */
    static final String APP_LOAD = "app-load";
    private static final long MICROS_PER_TICK = 10_000;

    private final Map<Integer, Long> startTicks = new HashMap<>();

    /** Starts a window: the CPU Keycloak's backends have used so far. */
    DatabaseCpu() throws SQLException {
        for (int pid : keycloakBackends().keySet()) {
            startTicks.put(pid, ticks(pid));
        }
    }

    /** Microseconds of CPU Keycloak's backends used since this window started (new backends from their start). */
    long micros() throws SQLException {
        long total = 0;
        for (int pid : keycloakBackends().keySet()) {
            total += Math.max(0, ticks(pid) - startTicks.getOrDefault(pid, 0L));
        }
        return total * MICROS_PER_TICK;
    }

    private static Map<Integer, String> keycloakBackends() throws SQLException {
        Map<Integer, String> backends = new HashMap<>();
        try (Connection c = AppDb.POSTGRES.connect(BenchData.DATABASE); PreparedStatement s = c.prepareStatement(
                "SELECT pid, application_name FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()"
                        + " AND backend_type = 'client backend' AND application_name <> ?")) {
            s.setString(1, BenchData.DATABASE);
            s.setString(2, APP_LOAD);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    backends.put(rs.getInt(1), rs.getString(2));
                }
            }
        }
        return backends;
    }

    private static long ticks(int pid) {
        try {
            String line = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
            String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return 0; // the backend ended meanwhile
        }
    }
}
