package dev.appusers.keycloak.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import dev.appusers.keycloak.it.AppDb;

/**
 * What PostgreSQL says about Keycloak's connections to the soak's app database once the load stopped: sessions still
 * active or idle in a transaction ({@code pg_stat_activity}), prepared transactions ({@code pg_prepared_xacts}). The
 * benchmark holds no connection of its own to that database then, so every other session there is Keycloak's.
 */
final class SoakConnections {

    /** The sessions left busy (each with its state and query), and how many connections Keycloak holds in all. */
    record Leftovers(List<String> busy, int total) {
    }

    private SoakConnections() {
    }

    /** Polls for up to 5 s: a connection may still be on its way back to the pool. */
    static Leftovers afterSettling(String database) throws SQLException, InterruptedException {
        Leftovers leftovers = read(database);
        for (int i = 0; i < 20 && !leftovers.busy().isEmpty(); i++) {
            Thread.sleep(250);
            leftovers = read(database);
        }
        return leftovers;
    }

    static Leftovers read(String database) throws SQLException {
        List<String> busy = new ArrayList<>();
        int total;
        try (Connection c = AppDb.POSTGRES.connect(database)) {
            try (PreparedStatement s = c.prepareStatement("SELECT 'session ' || pid || ' ' || state || ' '"
                    + " || left(query, 120) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()"
                    + " AND state IN ('active', 'idle in transaction', 'idle in transaction (aborted)')"
                    + " UNION ALL SELECT 'prepared transaction ' || gid FROM pg_prepared_xacts WHERE database = ?")) {
                s.setString(1, database);
                s.setString(2, database);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        busy.add(rs.getString(1));
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE datname = ?"
                    + " AND pid <> pg_backend_pid()")) {
                s.setString(1, database);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    total = rs.getInt(1);
                }
            }
        }
        return new Leftovers(busy, total);
    }
}
