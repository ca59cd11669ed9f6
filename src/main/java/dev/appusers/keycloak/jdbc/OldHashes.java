package dev.appusers.keycloak.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;

/**
 * Counts the app's users whose password hash is not in the form WRITABLE mode writes (another scheme, or the same
 * scheme with other parameters), so the admin sees how many are left to be rewritten at their next sign-in. One
 * parameterised statement over the user table, which reads no hash out of the database: the component's Save runs it,
 * and a meter may read {@link #count} later.
 */
public final class OldHashes {

    /** The users with a password hash, and those of them whose hash is not in the configured form. */
    public record Count(long withHash, long old) {
    }

    private final UserTable table;
    private final int queryTimeoutSeconds;

    public OldHashes(UserTable table, int queryTimeoutSeconds) {
        this.table = table;
        this.queryTimeoutSeconds = queryTimeoutSeconds;
    }

    /**
     * @param currentPrefixes the beginnings of a hash in the configured form, without LIKE wildcards
     *     ({@code HashingScheme.currentPrefixes()})
     * @throws IllegalStateException when the password hash column is not mapped
     */
    public Count count(Connection connection, List<String> currentPrefixes) throws SQLException {
        if (table.passwordHash == null) {
            throw new IllegalStateException("PASSWORD_HASH is not mapped to a column");
        }
        String current = String.join(" OR ", Collections.nCopies(currentPrefixes.size(),
                table.passwordHash + " LIKE ?"));
        String sql = "SELECT COUNT(*), COALESCE(SUM(CASE WHEN " + current + " THEN 0 ELSE 1 END), 0) FROM "
                + table.table + " WHERE " + table.passwordHash + " IS NOT NULL AND " + table.passwordHash + " <> ''";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setQueryTimeout(queryTimeoutSeconds);
            int index = 1;
            for (String prefix : currentPrefixes) {
                if (prefix.contains("%") || prefix.contains("_") || prefix.contains("\\")) {
                    throw new IllegalArgumentException("a hash prefix holds a LIKE wildcard");
                }
                statement.setString(index++, prefix + "%");
            }
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return new Count(rs.getLong(1), rs.getLong(2));
            }
        }
    }
}
