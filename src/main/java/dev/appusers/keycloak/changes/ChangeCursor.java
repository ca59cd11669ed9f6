package dev.appusers.keycloak.changes;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

import dev.appusers.keycloak.jdbc.ChangeTable.Change;

/**
 * Where one node stands in one component's change table, and what a page of rows read from there means.
 *
 * <p>The cursor is the highest sequence number seen. Rows are read from the cursor itself on (inclusive): while the
 * cursor's own row is still there, nothing after it was pruned (the triggers prune the oldest rows only); once it is
 * gone, changes may have been lost and the caller evicts everything. A number skipped below the cursor (a
 * transaction that took its number earlier but committed later than a newer one) is a gap: it is read again for
 * {@link #GAP_WAIT_NANOS}, and its row handled when it appears.
 */
final class ChangeCursor {

    static final long GAP_WAIT_NANOS = 10_000_000_000L;
    /** A jump larger than this (a sequence cache, an auto-increment step) is not a run of gaps. */
    static final int MAX_GAPS = 200;

    /** What a page of rows asks for: users to evict (a {@code null} id: every user), or all when changes were lost. */
    record Outcome(Set<String> userIds, boolean everyone, long cursor) {
    }

    private long cursor;
    /** Skipped numbers below the cursor, with the time after which they are given up. */
    private final TreeMap<Long, Long> gaps = new TreeMap<>();

    ChangeCursor(long start) {
        this.cursor = start;
    }

    /** A copy to advance, kept only once what it read has been applied. */
    ChangeCursor copy() {
        ChangeCursor copy = new ChangeCursor(cursor);
        copy.gaps.putAll(gaps);
        return copy;
    }

    long position() {
        return cursor;
    }

    /** The first sequence number the next read starts at (inclusive). */
    long readFrom(long now) {
        gaps.values().removeIf(deadline -> deadline - now < 0);
        return gaps.isEmpty() ? cursor : Math.min(cursor, gaps.firstKey());
    }

    /**
     * Takes a page read from {@link #readFrom}, oldest first. {@code complete} is false when the page was cut at its
     * limit (the rows after it are read at the next poll).
     */
    Outcome advance(List<Change> page, boolean complete, long now) {
        Set<String> users = new LinkedHashSet<>();
        boolean everyone = false;
        boolean cursorRowSeen = cursor == 0;
        long start = cursor;
        for (Change change : page) {
            long seq = change.seq();
            if (seq <= start) {
                cursorRowSeen |= seq == start;
                if (gaps.remove(seq) == null) {
                    continue; // seen before
                }
            } else {
                if (seq > cursor + 1 && seq - cursor - 1 <= MAX_GAPS) {
                    for (long missing = cursor + 1; missing < seq; missing++) {
                        gaps.put(missing, now + GAP_WAIT_NANOS);
                    }
                }
                cursor = Math.max(cursor, seq);
            }
            if (change.userId() == null) {
                everyone = true;
            } else {
                users.add(change.userId());
            }
        }
        boolean cursorRowCouldBeLater = !complete && !page.isEmpty() && page.get(page.size() - 1).seq() < start;
        if (!cursorRowSeen && !cursorRowCouldBeLater) {
            everyone = true; // the row at the cursor was pruned: rows after it may have been too
            gaps.clear();
        }
        return new Outcome(users, everyone, cursor);
    }

    /** Gaps still waited for, for the debug log. */
    int openGaps() {
        return gaps.size();
    }

    @Override
    public String toString() {
        return "ChangeCursor{" + cursor + ", gaps=" + gaps.size() + "}";
    }
}
