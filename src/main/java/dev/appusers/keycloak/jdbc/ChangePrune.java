package dev.appusers.keycloak.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The pruning of a MariaDB/MySQL change table, which Keycloak's change feed does instead of the app's triggers:
 * inside a trigger InnoDB locks every row a prune reads and ignores {@code SKIP LOCKED}, so a prune there could make
 * the app's own transaction wait; here it never waits for anyone.
 */
public final class ChangePrune {

    /** Rows one prune deletes at most. */
    static final int BATCH = 500;
    private static final List<Integer> TABLE_PRIVILEGE_REFUSED = List.of(1142, 1143, 1044);

    private ChangePrune() {
    }

    /**
     * MariaDB/MySQL: deletes up to {@value #BATCH} rows older than {@code retention} (by the database's clock) and
     * numbered below {@code belowSeq}, oldest first through the {@code changed_at} index, skipping the rows another
     * transaction holds ({@code FOR UPDATE SKIP LOCKED}, which InnoDB honours outside a trigger): so it never waits
     * for the app's transactions or for another node's prune, and several nodes pruning at once share the work.
     * The rows found are then deleted by primary key. {@code belowSeq} keeps the newest row a reader has seen, so
     * the table never looks emptied under it. Runs on a short transaction of its own in READ COMMITTED (no gap
     * locks), after ending any transaction in progress on the connection (committed: the feed's are reads); the
     * connection's autocommit and isolation are restored.
     *
     * @return the rows deleted; a failure rolls the prune back
     */
    public static int prune(Connection connection, ChangeTable table, Duration retention, long belowSeq)
            throws SQLException {
        if (table.isPostgres()) {
            throw new IllegalStateException("PostgreSQL change tables are pruned by their triggers");
        }
        boolean autoCommit = connection.getAutoCommit();
        int isolation = connection.getTransactionIsolation();
        if (!autoCommit) {
            connection.commit();
        }
        boolean done = false;
        try {
            connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            connection.setAutoCommit(false);
            List<Long> old = oldRows(connection, table, retention, belowSeq);
            int deleted = old.isEmpty() ? 0 : delete(connection, table, old);
            connection.commit();
            done = true;
            return deleted;
        } finally {
            try {
                if (!done) {
                    connection.rollback();
                }
            } finally {
                connection.setAutoCommit(autoCommit);
                connection.setTransactionIsolation(isolation);
            }
        }
    }

    /** Whether a MariaDB/MySQL failure is a refusal for want of a privilege on the table (DELETE, for a prune). */
    public static boolean refusedForPrivileges(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException s && TABLE_PRIVILEGE_REFUSED.contains(s.getErrorCode())) {
                return true;
            }
        }
        return false;
    }

    private static List<Long> oldRows(Connection connection, ChangeTable table, Duration retention, long belowSeq)
            throws SQLException {
        String sql = "SELECT " + table.seq() + " FROM " + table.table() + " WHERE " + table.changedAt()
                + " < NOW(3) - INTERVAL ? SECOND AND " + table.seq() + " < ? ORDER BY " + table.changedAt()
                + " LIMIT " + BATCH + " FOR UPDATE SKIP LOCKED";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setQueryTimeout(table.queryTimeoutSeconds());
            statement.setLong(1, Math.max(1, (retention.toMillis() + 999) / 1000));
            statement.setLong(2, belowSeq);
            List<Long> seqs = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    seqs.add(rs.getLong(1));
                }
            }
            return seqs;
        }
    }

    /**
     * One primary-key equality a row, in one batch: an {@code IN} list of hundreds of numbers lets the optimizer
     * scan a small table instead (checked on MariaDB 10.11: 300 of 801 rows), and a scanning DELETE waits for every
     * row another transaction holds, where a prune must skip them.
     */
    private static int delete(Connection connection, ChangeTable table, List<Long> seqs) throws SQLException {
        String sql = "DELETE FROM " + table.table() + " WHERE " + table.seq() + " = ?";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setQueryTimeout(table.queryTimeoutSeconds());
            for (Long seq : seqs) {
                statement.setLong(1, seq);
                statement.addBatch();
            }
            int deleted = 0;
            for (int count : statement.executeBatch()) {
                deleted += count == PreparedStatement.SUCCESS_NO_INFO ? 1 : Math.max(count, 0);
            }
            return deleted;
        }
    }
}
