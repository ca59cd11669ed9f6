package dev.appusers.keycloak.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.jboss.logging.Logger;

import dev.appusers.keycloak.config.AppUsersConfig;
import dev.appusers.keycloak.config.ConfigKeys;

/**
 * The change table the app's triggers fill ({@code changeTable}, by default {@code app_users_changes}): one row per
 * change of a user's row or roles, {@code seq} ascending, {@code user_id} the user's id in the user table's own
 * format, or NULL for "every user" (a renamed or deleted role). Resolved against JDBC metadata like the app's other
 * tables; every statement is parameterised and bounded by the query timeout. The optional {@code changed_at} column
 * (the database's time of the change) lets "Sync changed users" find the users whose roles changed; a table without
 * it still feeds the cache eviction.
 */
public final class ChangeTable {

    private static final Logger LOG = Logger.getLogger(ChangeTable.class);

    /** The column names the shipped SQL scripts create. */
    public static final String SEQ_COLUMN = "seq";
    public static final String USER_ID_COLUMN = "user_id";
    public static final String CHANGED_AT_COLUMN = "changed_at";
    /** PostgreSQL: the writing transaction's id ({@code pg_current_xact_id()}), which the shipped script records. */
    public static final String TXID_COLUMN = "txid";
    /** The longest app transaction Keycloak waits for, when the app's schema does not say (see {@link #retention}). */
    public static final Duration DEFAULT_RETENTION = Duration.ofHours(1);

    /**
     * One change: its sequence number and the user's id (canonical UUID text), or {@code null} for every user;
     * {@code readable} is false for a row whose user id is no id of the user table (the feed skips it with a warning).
     */
    public record Change(long seq, String userId, boolean readable) {

        public Change(long seq, String userId) {
            this(seq, userId, true);
        }

        static Change unreadable(long seq) {
            return new Change(seq, null, false);
        }

        /** A change of every user (a renamed or deleted role). */
        public boolean everyone() {
            return readable && userId == null;
        }
    }

    /** The users changed from a moment on: their ids (canonical UUID text), and whether a change was for everyone. */
    public record ChangedUsers(Set<String> userIds, boolean everyone) {
    }

    private final String name;
    private final String table;
    private final String seq;
    private final String userId;
    private final IdCodec userIdCodec;
    /** The quoted {@value #CHANGED_AT_COLUMN} column, or null when the table has none of a timestamp type. */
    private final String changedAt;
    private final int queryTimeoutSeconds;
    /** The quoted {@value #TXID_COLUMN} column (PostgreSQL only), or null. */
    final String txid;
    final Dialect dialect;
    /** The schema qualifier the table was named with ("" or {@code "schema".}), for the retention function. */
    final String qualifier;

    /** The database kinds whose change feed reads differ. */
    enum Dialect { POSTGRESQL, MYSQL }

    private ChangeTable(DbTable table, int queryTimeoutSeconds, Dialect dialect) {
        this.name = table.name();
        this.table = table.qualifiedName();
        this.dialect = dialect;
        String quotedName = table.quotedName();
        this.qualifier = this.table.endsWith(quotedName)
                ? this.table.substring(0, this.table.length() - quotedName.length()) : "";
        this.txid = dialect == Dialect.POSTGRESQL
                ? table.findColumn(TXID_COLUMN).filter(c -> c.jdbcType() == Types.BIGINT).map(table::quoted).orElse(null)
                : null;
        this.seq = table.quoted(table.column(ConfigKeys.CHANGE_TABLE, SEQ_COLUMN));
        DbColumn user = table.column(ConfigKeys.CHANGE_TABLE, USER_ID_COLUMN);
        this.userId = table.quoted(user);
        this.userIdCodec = IdCodec.forColumn(ConfigKeys.CHANGE_TABLE, user);
        this.changedAt = timestampColumn(table, CHANGED_AT_COLUMN).map(table::quoted).orElse(null);
        this.queryTimeoutSeconds = queryTimeoutSeconds;
    }

    /**
     * The configured change table. @throws SchemaException when it (or one of its two columns) is not there: the
     * message names what is missing
     */
    public static ChangeTable resolve(Connection connection, AppUsersConfig config) throws SQLException {
        String wanted = config.changeTable().orElseThrow(() -> new SchemaException(ConfigKeys.CHANGE_TABLE + " is empty"));
        DbTable table = SchemaReader.open(connection, config.dbSchema()).table(ConfigKeys.CHANGE_TABLE, wanted);
        String product = connection.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT);
        return new ChangeTable(table, config.queryTimeoutSeconds(),
                product.contains("postgres") ? Dialect.POSTGRESQL : Dialect.MYSQL);
    }

    private static Optional<DbColumn> timestampColumn(DbTable table, String wanted) {
        Optional<DbColumn> column = table.findColumn(wanted);
        if (column.isPresent() && column.get().jdbcType() != Types.TIMESTAMP
                && column.get().jdbcType() != Types.TIMESTAMP_WITH_TIMEZONE) {
            LOG.debugf("Change table %s: column %s has type %s, not a timestamp; changed users syncs do not read it",
                    table.name(), column.get().name(), column.get().typeName());
            return Optional.empty();
        }
        return column;
    }

    /** The table's name as the database reports it. */
    public String name() {
        return name;
    }

    /**
     * The table's name for a GRANT statement: quoted and qualified with its schema (the connection's current one
     * when the configuration names none).
     */
    public String grantName(Connection connection) throws SQLException {
        String current = isPostgres() ? connection.getSchema() : connection.getCatalog();
        if (!qualifier.isEmpty() || current == null) {
            return table;
        }
        return DbTable.quote(current, connection.getMetaData().getIdentifierQuoteString().trim()) + "." + table;
    }

    /** Whether the table records the writing transaction's id, which lets the feed wait exactly for open ones. */
    public boolean recordsTransactions() {
        return txid != null;
    }

    /** Whether this is a PostgreSQL table (the feed reads its transactions' visibility) or a MariaDB/MySQL one. */
    public boolean isPostgres() {
        return dialect == Dialect.POSTGRESQL;
    }

    String table() {
        return table;
    }

    String seq() {
        return seq;
    }

    String userId() {
        return userId;
    }

    int queryTimeoutSeconds() {
        return queryTimeoutSeconds;
    }

    /** The quoted {@value #CHANGED_AT_COLUMN} column. @throws IllegalStateException when the table has none */
    String changedAt() {
        requireTimes();
        return changedAt;
    }

    /** The change in the current row of {@code rs}: columns {@code seq} and {@code user_id} at the given indexes. */
    Change read(ResultSet rs, int seqColumn, int userColumn) throws SQLException {
        long number = rs.getLong(seqColumn);
        rs.getObject(userColumn);
        if (rs.wasNull()) {
            return new Change(number, null);
        }
        try {
            return new Change(number, userIdCodec.read(rs, userColumn));
        } catch (IllegalArgumentException | SQLException e) {
            MalformedRows.seen();
            return Change.unreadable(number);
        }
    }

    /** Whether the table has a {@value #CHANGED_AT_COLUMN} timestamp column, which {@link #changedSince} reads. */
    public boolean recordsTimes() {
        return changedAt != null;
    }

    /**
     * The time of the oldest row still kept (the row with the lowest sequence number: one primary-key read), empty
     * when the table is empty. Rows are pruned oldest first, so a change at or after this time was not pruned.
     */
    public Optional<Timestamp> oldestKept(Connection connection) throws SQLException {
        requireTimes();
        String sql = "SELECT " + changedAt + " FROM " + table + " ORDER BY " + seq + " LIMIT 1";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setQueryTimeout(queryTimeoutSeconds);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getTimestamp(1)) : Optional.empty();
            }
        }
    }

    /**
     * The users with a change at or after {@code since}, compared as the last-modified column is ({@link
     * java.sql.PreparedStatement#setTimestamp}); one scan of the rows kept (an hour of changes with the shipped
     * triggers). An id that cannot be read is left out with a debug line.
     */
    public ChangedUsers changedSince(Connection connection, Timestamp since) throws SQLException {
        return changedSince(connection, since, null);
    }

    /**
     * The users changed by a transaction whose id is at or above {@code fromTxid} (PostgreSQL: one that had not
     * ended when a snapshot with that xmin was taken), whatever the time of the change; a row without a
     * {@value #TXID_COLUMN} (written before the column was added) counts when its time is at or after {@code since}.
     * Needs {@link #recordsTransactions()}.
     */
    public ChangedUsers changedSince(Connection connection, Timestamp since, Long fromTxid) throws SQLException {
        requireTimes();
        if (fromTxid != null && txid == null) {
            throw new IllegalStateException("change table " + name + " has no " + TXID_COLUMN + " column");
        }
        String sql = "SELECT DISTINCT " + userId + " FROM " + table + " WHERE " + (fromTxid == null
                ? changedAt + " >= ?" : txid + " >= ? OR " + txid + " IS NULL AND " + changedAt + " >= ?");
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setQueryTimeout(queryTimeoutSeconds);
            if (fromTxid != null) {
                statement.setLong(1, fromTxid);
            }
            statement.setTimestamp(fromTxid == null ? 1 : 2, since);
            Set<String> ids = new LinkedHashSet<>();
            boolean everyone = false;
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    rs.getObject(1);
                    if (rs.wasNull()) {
                        everyone = true;
                        continue;
                    }
                    try {
                        ids.add(userIdCodec.read(rs, 1));
                    } catch (IllegalArgumentException e) {
                        LOG.debugf("Change table %s: a user id that is no UUID left out (%s)", name, e.getMessage());
                    }
                }
            }
            return new ChangedUsers(ids, everyone);
        }
    }

    /**
     * The longest app transaction Keycloak waits for, as the app's schema declares it beside this table (the
     * shipped scripts create it): PostgreSQL {@code <table>_retention()} returning an {@code interval}, MariaDB and
     * MySQL {@code <table>_retention_seconds()} returning seconds, in the table's schema. The name is the table's,
     * as the database reports it, quoted; nothing is bound from the configuration. {@link #DEFAULT_RETENTION} when
     * the function is missing, not executable by Keycloak's user, or answers nothing positive (a debug line says so).
     */
    public Duration retention(Connection connection) throws SQLException {
        boolean postgres = isPostgres();
        String quote = connection.getMetaData().getIdentifierQuoteString().trim();
        String function = DbTable.quote(name + (postgres ? "_retention" : "_retention_seconds"), quote);
        String schema = qualifier;
        String sql = postgres ? "SELECT EXTRACT(EPOCH FROM " + schema + function + "())" : "SELECT " + schema + function + "()";
        Optional<Duration> declared = OptionalRead.of(connection, "change table retention " + schema + function, c -> {
            try (PreparedStatement statement = c.prepareStatement(sql)) {
                statement.setQueryTimeout(queryTimeoutSeconds);
                try (ResultSet rs = statement.executeQuery()) {
                    double seconds = rs.next() ? rs.getDouble(1) : 0;
                    return seconds > 0 && !rs.wasNull()
                            ? Optional.of(Duration.ofMillis((long) Math.ceil(seconds * 1000))) : Optional.empty();
                }
            }
        });
        if (declared.isEmpty()) {
            LOG.debugf("Change table %s: no positive retention from %s%s(); taking %s", name, schema, function,
                    DEFAULT_RETENTION);
        }
        return declared.orElse(DEFAULT_RETENTION);
    }

    private void requireTimes() {
        if (changedAt == null) {
            throw new IllegalStateException("change table " + name + " has no " + CHANGED_AT_COLUMN + " column");
        }
    }
}
