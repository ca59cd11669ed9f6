package dev.appusers.keycloak.changes;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import dev.appusers.keycloak.jdbc.ChangePrune;
import dev.appusers.keycloak.jdbc.ChangeReads;
import dev.appusers.keycloak.jdbc.ChangeReads.Position;
import dev.appusers.keycloak.jdbc.ChangeReads.Visible;
import dev.appusers.keycloak.jdbc.ChangeTable;
import dev.appusers.keycloak.jdbc.ChangeTable.Change;

/**
 * One node's reader of one change table: created at the start (which reads where the table stands, so that every
 * change committed from then on is read), then polled. PostgreSQL tables with a {@code txid} column are read by
 * their transactions' visibility ({@link SnapshotCursor}); the others by sequence number, waiting for the numbers
 * still in flight ({@link GapCursor}). On MariaDB and MySQL the reader also prunes the table, which the triggers
 * there do not (InnoDB would make the app's transactions wait for each other).
 */
abstract class FeedReader {

    /** Rows one poll reads at most; past that, the realm's user cache is cleared instead. */
    static final int MAX_ROWS = 20_000;
    static final int PAGE = 1_000;

    final ChangeTable table;
    final Duration retention;

    private FeedReader(ChangeTable table, Duration retention) {
        this.table = table;
        this.retention = retention;
    }

    /** Starts reading {@code table} where it stands now. */
    static FeedReader start(Connection connection, ChangeTable table, boolean askOpenTransactions) throws SQLException {
        Duration retention = table.retention(connection);
        return table.recordsTransactions() ? new Snapshots(connection, table, retention)
                : new Gaps(connection, table, retention, askOpenTransactions);
    }

    /** "1 h", "90 min", "45 s": a retention as the scripts' functions state it. */
    static String human(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds % 3600 == 0) {
            return seconds / 3600 + " h";
        }
        return seconds % 60 == 0 ? seconds / 60 + " min" : seconds + " s";
    }

    /** Reads the changes committed since the last poll. */
    abstract FeedOutcome poll(Connection connection) throws SQLException;

    /** For the admin form and the log: how this reader waits for open transactions. */
    abstract String waits();

    /** PostgreSQL with {@code txid}: exact, whatever the transactions' order, size or length. */
    private static final class Snapshots extends FeedReader {

        private final SnapshotCursor cursor;

        Snapshots(Connection connection, ChangeTable table, Duration retention) throws SQLException {
            super(table, retention);
            Visible start = ChangeReads.visibleSince(connection, table, null, 0, 1);
            cursor = new SnapshotCursor(start.snapshot(), start.tableIdentity());
        }

        @Override
        FeedOutcome poll(Connection connection) throws SQLException {
            Visible first = ChangeReads.visibleSince(connection, table, cursor.horizon(), 0, PAGE);
            List<Change> rows = new ArrayList<>(first.changes());
            List<Change> page = first.changes();
            while (page.size() == PAGE && rows.size() < MAX_ROWS) {
                long last = page.get(page.size() - 1).seq();
                page = ChangeReads.visibleSince(connection, table, cursor.horizon(), last, PAGE).changes();
                rows.addAll(page);
            }
            boolean complete = page.size() < PAGE;
            return cursor.advance(rows, first.snapshot(), first.tableIdentity(), complete);
        }

        @Override
        String waits() {
            return "waits for every open transaction (txid)";
        }
    }

    /**
     * By sequence number: MariaDB and MySQL, and PostgreSQL tables without {@code txid}. On MariaDB and MySQL it
     * also prunes the table every {@value #PRUNE_EVERY_SECONDS} s ({@link ChangePrune#prune}); several nodes
     * pruning at once share the work. A refusal for want of the DELETE privilege is logged once and ends this
     * reader's pruning; any other failure is tried again at the next interval.
     */
    private static final class Gaps extends FeedReader {

        private static final Logger LOG = Logger.getLogger(FeedReader.class);
        static final long PRUNE_EVERY_SECONDS = 15;

        private final boolean askOpenTransactions;
        private final boolean prunes;
        private GapCursor cursor;
        private boolean openKnown;
        /** When this reader last tried to prune (nanoTime), or null: at the next poll. */
        private Long lastPrune;
        private boolean pruneRefused;

        Gaps(Connection connection, ChangeTable table, Duration retention, boolean askOpenTransactions)
                throws SQLException {
            super(table, retention);
            this.askOpenTransactions = askOpenTransactions && !table.isPostgres();
            this.prunes = !table.isPostgres() && table.recordsTimes();
            restart(connection, ChangeReads.position(connection, table, this.askOpenTransactions));
        }

        private void restart(Connection connection, Position position) throws SQLException {
            cursor = new GapCursor(position.maxSeq());
            openKnown = position.openKnown();
            cursor.advance(position, List.of(), newRows(connection), retention);
        }

        @Override
        FeedOutcome poll(Connection connection) throws SQLException {
            Position position = ChangeReads.position(connection, table, askOpenTransactions);
            openKnown = position.openKnown();
            if (cursor.wentBack(position)) {
                restart(connection, position);
                return new FeedOutcome(java.util.Set.of(),
                        "the change table's numbers went back (truncated, renumbered or restored)", List.of(), List.of());
            }
            List<Change> gapRows = cursor.gaps().isEmpty() ? List.of()
                    : ChangeReads.among(connection, table, cursor.gaps());
            List<Change> newRows = newRows(connection);
            pruneIfDue(connection); // before the cursor moves: a poll that fails after it is read again in full
            return cursor.advance(position, gapRows, newRows, retention);
        }

        /** Prunes below the highest number this reader saw before this poll, so the table never looks emptied. */
        private void pruneIfDue(Connection connection) {
            long now = System.nanoTime();
            if (!prunes || pruneRefused
                    || lastPrune != null && now - lastPrune < TimeUnit.SECONDS.toNanos(PRUNE_EVERY_SECONDS)) {
                return;
            }
            lastPrune = now;
            try {
                int deleted = ChangePrune.prune(connection, table, retention, cursor.maxSeen());
                if (deleted > 0) {
                    LOG.debugf("Change table %s: %d rows older than %s pruned", table.name(), deleted,
                            human(retention));
                }
            } catch (SQLException e) {
                if (!ChangePrune.refusedForPrivileges(e)) {
                    LOG.debugf("Change table %s: prune failed (%s, %d); trying again in %d s", table.name(),
                            e.getSQLState(), e.getErrorCode(), PRUNE_EVERY_SECONDS);
                    return;
                }
                pruneRefused = true;
                LOG.warnf("Change table %s: Keycloak's datasource user may not delete its old rows (%d), so this "
                        + "node does not prune it and it grows by one row per change; GRANT DELETE ON %s TO "
                        + "that user (this node tries again once restarted)", table.name(), e.getErrorCode(),
                        grantName(connection));
            } catch (RuntimeException e) {
                LOG.debugf("Change table %s: prune failed (%s); trying again in %d s", table.name(),
                        e.getClass().getSimpleName(), PRUNE_EVERY_SECONDS);
            }
        }

        private String grantName(Connection connection) {
            try {
                return table.grantName(connection);
            } catch (SQLException e) {
                return table.name();
            }
        }

        private List<Change> newRows(Connection connection) throws SQLException {
            List<Change> rows = new ArrayList<>();
            long after = cursor.maxSeen();
            List<Change> page;
            do {
                page = ChangeReads.after(connection, table, after, PAGE);
                rows.addAll(page);
                after = page.isEmpty() ? after : page.get(page.size() - 1).seq();
            } while (page.size() == PAGE && rows.size() < MAX_ROWS);
            return rows;
        }

        @Override
        String waits() {
            if (table.isPostgres()) {
                return "waits up to the retention (" + human(retention) + ") for numbers in flight: re-run the change table "
                        + "script, which adds the txid column, to wait exactly for open transactions";
            }
            String waits = openKnown ? "waits for every open transaction (innodb_trx)"
                    : "cannot see open transactions, so waits up to the retention (" + human(retention) + ") for numbers in "
                    + "flight: GRANT PROCESS ON *.* to the datasource's user lets it wait exactly for them";
            if (!prunes) {
                return waits;
            }
            return waits + "; " + (pruneRefused ? "cannot prune the table (GRANT DELETE on it to the datasource's user)"
                    : "prunes rows older than the retention (" + human(retention) + ") every " + PRUNE_EVERY_SECONDS
                    + " s");
        }
    }
}
