package dev.appusers.keycloak.changes;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.appusers.keycloak.jdbc.ChangeReads.Snapshot;
import dev.appusers.keycloak.jdbc.ChangeTable.Change;

/**
 * Where one node stands in a PostgreSQL change table whose rows carry their transaction's id ({@code txid}): the
 * snapshot of its last read. A row the last read could not see belongs to a transaction that snapshot saw as open
 * (listed in progress, or at or past its {@code xmax}), so the next read asks for exactly those transactions' rows,
 * however long they stay open, in whatever order they commit and whatever numbers they drew. Nothing is waited
 * for, nothing is given up, and sequence numbers only order the rows and page the read.
 *
 * <p>A read that takes several pages sees later rows with later snapshots than the first page's: such rows are read
 * again at the next poll, and recognised by their numbers ({@link #readLastTime}).
 */
final class SnapshotCursor {

    private Snapshot horizon;
    private String tableIdentity;
    private Set<Long> readLastTime = Set.of();

    /** @param start the snapshot when the feed started on this node: changes committed after it are read */
    SnapshotCursor(Snapshot start, String tableIdentity) {
        this.horizon = start;
        this.tableIdentity = tableIdentity;
    }

    /** The snapshot whose open transactions the next read asks for. */
    Snapshot horizon() {
        return horizon;
    }

    /**
     * Takes one poll's rows, read in pages with {@link #horizon()}, the first page with snapshot {@code now} and
     * storage identity {@code identity}.
     *
     * @param complete false when the read stopped at its row limit: then every user is evicted
     */
    FeedOutcome advance(List<Change> rows, Snapshot now, String identity, boolean complete) {
        String clearAll = null;
        if (tableIdentity != null && identity != null && !tableIdentity.equals(identity)) {
            clearAll = "the change table was truncated, rewritten or recreated";
        } else if (horizon.wentBackwardsIn(now)) {
            clearAll = "the database's transaction ids went backwards (a restore or another server)";
        } else if (!complete) {
            clearAll = "more changes than one poll reads";
        }
        Set<Long> read = new HashSet<>();
        Set<String> users = new LinkedHashSet<>();
        List<Long> unreadable = new ArrayList<>();
        for (Change change : rows) {
            read.add(change.seq());
            if (readLastTime.contains(change.seq())) {
                continue;
            }
            if (!change.readable()) {
                unreadable.add(change.seq());
            } else if (change.everyone()) {
                clearAll = clearAll == null ? FeedOutcome.EVERY_USER : clearAll;
            } else {
                users.add(change.userId());
            }
        }
        horizon = now;
        tableIdentity = identity;
        readLastTime = read;
        return new FeedOutcome(users, clearAll, unreadable, List.of());
    }

    @Override
    public String toString() {
        return "SnapshotCursor{" + horizon + "}";
    }
}
