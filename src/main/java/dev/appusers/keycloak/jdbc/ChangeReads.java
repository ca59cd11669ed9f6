package dev.appusers.keycloak.jdbc;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import org.jboss.logging.Logger;

import dev.appusers.keycloak.jdbc.ChangeTable.Change;

/**
 * The change feed's statements on a {@link ChangeTable}: on PostgreSQL, the rows of the transactions a snapshot did not
 * yet see as ended, read with the statement's own snapshot; on MariaDB and MySQL, rows by sequence number and the
 * start of the oldest open transaction, and the prune of rows older than the retention. Every statement is
 * parameterised and bounded by the query timeout.
 */
public final class ChangeReads {

    private static final Logger LOG = Logger.getLogger(ChangeReads.class);
    /** MariaDB/MySQL refusals of {@code information_schema.innodb_trx}: PROCESS privilege missing. */
    private static final List<Integer> NO_PRIVILEGE = List.of(1227, 1142, 1044);
    /** MariaDB/MySQL refusals of a statement: table (1142), column (1143) or database (1044) access denied. */
    static final int IN_LIST = 500;

    /**
     * What a PostgreSQL snapshot says of transactions: those below {@code xmin} had ended; those at or past
     * {@code xmax}, and those listed {@code inProgress}, had not, and their rows may still appear.
     */
    public record Snapshot(long xmin, long xmax, long[] inProgress) {

        /** Whether a transaction this snapshot saw as open can no longer be running at {@code later}. */
        public boolean wentBackwardsIn(Snapshot later) {
            return later.xmax < xmin;
        }

        @Override
        public String toString() {
            return "Snapshot{" + xmin + ":" + xmax + ":" + inProgress.length + " open}";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Snapshot s && s.xmin == xmin && s.xmax == xmax && Arrays.equals(s.inProgress, inProgress);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(xmin) * 31 + Long.hashCode(xmax);
        }
    }

    /**
     * One page of a PostgreSQL read: the statement's own snapshot, the table's storage identity (oid and file node:
     * they change when the table is truncated, rewritten or recreated), and the rows, oldest first.
     */
    public record Visible(Snapshot snapshot, String tableIdentity, List<Change> changes) {
    }

    /** Where a MariaDB/MySQL table stands: the database's clock, the highest number, the oldest open transaction. */
    public record Position(Instant now, long maxSeq, Optional<Instant> oldestOpen, boolean openKnown) {
    }

    private ChangeReads() {
    }

    /**
     * Runs a read of the change table, turning "no such table or column" into {@link SchemaException}: the table
     * was dropped (an app migration recreates it, a restore replaced the schema).
     */
    public static <T> T orGone(ChangeTable table, SqlWork<T> read, Connection connection) throws SQLException {
        try {
            return read.run(connection);
        } catch (SQLException e) {
            if (DatabaseErrors.isMissingObject(e)) {
                throw new SchemaException("change table " + table.name() + " is gone (" + DatabaseErrors.codes(e) + ")");
            }
            throw e;
        }
    }

    /**
     * PostgreSQL: the rows after {@code afterSeq} written by transactions {@code since} did not see as ended (none
     * when {@code since} is null: the start), at most {@code limit}, with the snapshot this very statement read
     * them with.
     */
    public static Visible visibleSince(Connection connection, ChangeTable table, Snapshot since, long afterSeq,
            int limit) throws SQLException {
        String txid = "c." + table.txid;
        String sql = "SELECT q.xmin, q.xmax, q.xip, q.identity, c." + table.seq() + ", c." + table.userId()
                + " FROM (SELECT pg_snapshot_xmin(s)::text::bigint AS xmin, pg_snapshot_xmax(s)::text::bigint AS xmax,"
                + " ARRAY(SELECT x::text::bigint FROM pg_snapshot_xip(s) AS x) AS xip,"
                + " to_regclass(?)::oid::text || '/' || pg_relation_filenode(to_regclass(?))::text AS identity"
                + " FROM (SELECT pg_current_snapshot() AS s) AS snap) AS q"
                + " LEFT JOIN " + table.table() + " c ON ? AND (" + txid + " >= ? OR " + txid + " = ANY(?)) AND c."
                + table.seq() + " > ? ORDER BY c." + table.seq() + " LIMIT ?";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setQueryTimeout(table.queryTimeoutSeconds());
            statement.setString(1, table.table());
            statement.setString(2, table.table());
            statement.setBoolean(3, since != null);
            statement.setLong(4, since == null ? Long.MAX_VALUE : since.xmax());
            Long[] open = since == null ? new Long[0]
                    : Arrays.stream(since.inProgress()).boxed().toArray(Long[]::new);
            Array array = connection.createArrayOf("bigint", open);
            statement.setArray(5, array);
            statement.setLong(6, afterSeq);
            statement.setInt(7, Math.max(limit, 1));
            Snapshot snapshot = null;
            String identity = null;
            List<Change> changes = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    if (snapshot == null) {
                        Array xip = rs.getArray(3);
                        Object[] values = (Object[]) xip.getArray();
                        long[] inProgress = Arrays.stream(values).mapToLong(v -> ((Number) v).longValue()).toArray();
                        snapshot = new Snapshot(rs.getLong(1), rs.getLong(2), inProgress);
                        identity = rs.getString(4);
                    }
                    rs.getObject(5);
                    if (!rs.wasNull()) {
                        changes.add(table.read(rs, 5, 6));
                    }
                }
            } finally {
                array.free();
            }
            return new Visible(snapshot, identity, changes);
        }
    }

    /**
     * The database's clock, the highest sequence number (0 when the table is empty) and, on MariaDB/MySQL, when
     * the oldest other open transaction started ({@code information_schema.innodb_trx}, which needs the PROCESS
     * privilege: without it {@code openKnown} is false).
     */
    public static Position position(Connection connection, ChangeTable table, boolean askOpen) throws SQLException {
        String max = "(SELECT MAX(" + table.seq() + ") FROM " + table.table() + ")";
        if (table.isPostgres()) {
            return position(connection, table, "SELECT clock_timestamp(), " + max + ", NULL", false);
        }
        if (askOpen) {
            try {
                return position(connection, table, "SELECT NOW(6), " + max + ", (SELECT MIN(trx_started) FROM "
                        + "information_schema.innodb_trx WHERE trx_mysql_thread_id <> CONNECTION_ID())", true);
            } catch (SQLException e) {
                if (!NO_PRIVILEGE.contains(e.getErrorCode())) {
                    throw e;
                }
                LOG.debugf("information_schema.innodb_trx not readable (%d): open transactions unknown",
                        e.getErrorCode());
            }
        }
        return position(connection, table, "SELECT NOW(6), " + max + ", NULL", false);
    }

    private static Position position(Connection connection, ChangeTable table, String sql, boolean openKnown)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setQueryTimeout(table.queryTimeoutSeconds());
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                Timestamp oldest = rs.getTimestamp(3);
                return new Position(rs.getTimestamp(1).toInstant(), rs.getLong(2),
                        Optional.ofNullable(oldest).map(Timestamp::toInstant), openKnown);
            }
        }
    }

    /** The oldest other open transaction, for a log line: its id, start and rows modified ("size"); empty if none. */
    public static Optional<String> oldestOpenTransaction(Connection connection, ChangeTable table) {
        String sql = "SELECT trx_id, trx_started, trx_rows_modified FROM information_schema.innodb_trx"
                + " WHERE trx_mysql_thread_id <> CONNECTION_ID() ORDER BY trx_started LIMIT 1";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setQueryTimeout(table.queryTimeoutSeconds());
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? Optional.of("transaction " + rs.getString(1) + " open since " + rs.getTimestamp(2)
                        + ", " + rs.getLong(3) + " rows modified") : Optional.empty();
            }
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    /** At most {@code limit} rows after {@code afterSeq}, oldest first: one range scan of the primary key. */
    public static List<Change> after(Connection connection, ChangeTable table, long afterSeq, int limit)
            throws SQLException {
        String sql = "SELECT " + table.seq() + ", " + table.userId() + " FROM " + table.table() + " WHERE "
                + table.seq() + " > ? ORDER BY " + table.seq() + " LIMIT ?";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setQueryTimeout(table.queryTimeoutSeconds());
            statement.setLong(1, afterSeq);
            statement.setInt(2, limit);
            return changes(statement, table);
        }
    }

    /** The rows among the given sequence numbers that are there now: primary-key lookups, {@value #IN_LIST} a statement. */
    public static List<Change> among(Connection connection, ChangeTable table, List<Long> seqs) throws SQLException {
        List<Change> found = new ArrayList<>();
        for (int from = 0; from < seqs.size(); from += IN_LIST) {
            List<Long> part = seqs.subList(from, Math.min(seqs.size(), from + IN_LIST));
            String sql = "SELECT " + table.seq() + ", " + table.userId() + " FROM " + table.table() + " WHERE "
                    + table.seq() + " IN (" + String.join(", ", Collections.nCopies(part.size(), "?")) + ")";
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setQueryTimeout(table.queryTimeoutSeconds());
                for (int i = 0; i < part.size(); i++) {
                    statement.setLong(i + 1, part.get(i));
                }
                found.addAll(changes(statement, table));
            }
        }
        return found;
    }

    private static List<Change> changes(PreparedStatement statement, ChangeTable table) throws SQLException {
        List<Change> changes = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                changes.add(table.read(rs, 1, 2));
            }
        }
        return changes;
    }
}
