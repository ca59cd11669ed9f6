package dev.appusers.keycloak.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import dev.appusers.keycloak.config.AppUsersConfig;
import dev.appusers.keycloak.config.ConfigKeys;

/**
 * The change table the app's triggers fill ({@code changeTable}, by default {@code app_users_changes}): one row per
 * change of a user's row or roles, {@code seq} ascending, {@code user_id} the user's id in the user table's own
 * format, or NULL for "every user" (a renamed or deleted role). Resolved against JDBC metadata like the app's other
 * tables; every statement is parameterised and bounded by the query timeout.
 */
public final class ChangeTable {

    /** The column names the shipped SQL scripts create. */
    public static final String SEQ_COLUMN = "seq";
    public static final String USER_ID_COLUMN = "user_id";

    /** One change: its sequence number and the user's id (canonical UUID text), or {@code null} for every user. */
    public record Change(long seq, String userId) {
    }

    private final String name;
    private final String table;
    private final String seq;
    private final String userId;
    private final IdCodec userIdCodec;
    private final int queryTimeoutSeconds;

    private ChangeTable(DbTable table, int queryTimeoutSeconds) {
        this.name = table.name();
        this.table = table.qualifiedName();
        this.seq = table.quoted(table.column(ConfigKeys.CHANGE_TABLE, SEQ_COLUMN));
        DbColumn user = table.column(ConfigKeys.CHANGE_TABLE, USER_ID_COLUMN);
        this.userId = table.quoted(user);
        this.userIdCodec = IdCodec.forColumn(ConfigKeys.CHANGE_TABLE, user);
        this.queryTimeoutSeconds = queryTimeoutSeconds;
    }

    /**
     * The configured change table. @throws SchemaException when it (or one of its two columns) is not there: the
     * message names what is missing
     */
    public static ChangeTable resolve(Connection connection, AppUsersConfig config) throws SQLException {
        String wanted = config.changeTable().orElseThrow(() -> new SchemaException(ConfigKeys.CHANGE_TABLE + " is empty"));
        DbTable table = SchemaReader.open(connection, config.dbSchema()).table(ConfigKeys.CHANGE_TABLE, wanted);
        return new ChangeTable(table, config.queryTimeoutSeconds());
    }

    /** The table's name as the database reports it. */
    public String name() {
        return name;
    }

    /** The newest sequence number, 0 when the table is empty. */
    public long latest(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT MAX(" + seq + ") FROM " + table)) {
            statement.setQueryTimeout(queryTimeoutSeconds);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** At most {@code limit} changes from {@code seq} on (inclusive), oldest first: one indexed range scan. */
    public List<Change> from(Connection connection, long fromSeq, int limit) throws SQLException {
        String sql = "SELECT " + seq + ", " + userId + " FROM " + table + " WHERE " + seq + " >= ? ORDER BY " + seq
                + " LIMIT ?";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setQueryTimeout(queryTimeoutSeconds);
            statement.setLong(1, fromSeq);
            statement.setInt(2, limit);
            List<Change> changes = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    long number = rs.getLong(1);
                    rs.getObject(2);
                    changes.add(new Change(number, rs.wasNull() ? null : userIdCodec.read(rs, 2)));
                }
            }
            return changes;
        }
    }
}
