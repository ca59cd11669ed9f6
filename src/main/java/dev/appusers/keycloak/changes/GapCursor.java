package dev.appusers.keycloak.changes;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.appusers.keycloak.jdbc.ChangeReads.Position;
import dev.appusers.keycloak.jdbc.ChangeTable.Change;

/**
 * Where one node stands in a change table read by sequence number (MariaDB and MySQL; PostgreSQL tables without
 * {@code txid}): the highest number seen, and every lower number not seen yet (a gap). A transaction draws its
 * numbers when it writes and shows them when it commits, so a gap is a number still in flight, rolled back, or
 * never used (a sequence cache, an auto-increment step). Each gap is read again at every poll until it appears or
 * until every transaction that could hold it has ended: the transactions open when the gap was found all started
 * before that moment, so once the oldest open transaction started later (MariaDB's
 * {@code information_schema.innodb_trx}), a gap that is still missing never appears. Where open transactions cannot
 * be seen, and for a transaction open longer than the retention (after which its rows may be pruned), a
 * gap is given up after the retention.
 *
 * <p>A gap is stamped with the database's clock of the poll after the one that found it, so the stamp is later
 * than the moment its number was drawn. The first poll (the start) reads the numbers of the last
 * {@value #START_WINDOW} rows, so that numbers still in flight then are waited for too, and evicts no one.
 */
final class GapCursor {

    /** More gaps than this (an auto-increment step no transaction fills, under a transaction open for long): reset. */
    static final int MAX_GAPS = 100_000;
    /** Numbers below the highest one at start that are still waited for, in case their transactions are open. */
    static final int START_WINDOW = 1_000;

    private long maxSeen;
    private boolean started;
    /** Gaps with the database time of the poll after the one that found them; {@link #PENDING} until then. */
    private final TreeMap<Long, Instant> gaps = new TreeMap<>();
    private static final Instant PENDING = Instant.MAX;

    /** @param start the table's highest number when the feed started on this node (0: empty) */
    GapCursor(long start) {
        this.maxSeen = Math.max(0, start - START_WINDOW);
    }

    long maxSeen() {
        return maxSeen;
    }

    /** The gaps to read again, lowest first. */
    List<Long> gaps() {
        return new ArrayList<>(gaps.keySet());
    }

    /**
     * Takes one poll: the table's position (read before the rows), the rows found among {@link #gaps()}, and the
     * rows after {@link #maxSeen()}, in order.
     *
     * @param retention how long the triggers keep rows: the longest transaction waited for
     */
    FeedOutcome advance(Position position, List<Change> gapRows, List<Change> newRows, Duration retention) {
        Set<String> users = new LinkedHashSet<>();
        List<Long> unreadable = new ArrayList<>();
        String clearAll = null;
        for (Change change : gapRows) {
            if (gaps.remove(change.seq()) != null) {
                clearAll = take(change, users, unreadable, clearAll);
            }
        }
        List<Long> givenUp = settle(position, retention);
        gaps.replaceAll((seq, stamp) -> stamp == PENDING ? position.now() : stamp);
        for (Change change : newRows) {
            if (change.seq() <= maxSeen) {
                continue;
            }
            long lowest = maxSeen == 0 ? Math.max(0, change.seq() - START_WINDOW) : maxSeen;
            for (long missing = lowest + 1; missing < change.seq() && gaps.size() <= MAX_GAPS; missing++) {
                gaps.put(missing, PENDING);
            }
            maxSeen = change.seq();
            clearAll = take(change, users, unreadable, clearAll);
        }
        if (!started) {
            users.clear(); // the start: rows committed before this node could cache anything
            clearAll = null;
            started = true;
        }
        if (gaps.size() > MAX_GAPS) {
            gaps.clear();
            clearAll = "more than " + MAX_GAPS + " numbers in flight at once";
        }
        return new FeedOutcome(users, clearAll, unreadable, givenUp);
    }

    /** Whether the table's numbers went back below what this cursor saw (truncated, renumbered, restored). */
    boolean wentBack(Position position) {
        return started && position.maxSeq() < maxSeen;
    }

    private static String take(Change change, Set<String> users, List<Long> unreadable, String clearAll) {
        if (!change.readable()) {
            unreadable.add(change.seq());
        } else if (change.everyone()) {
            return clearAll == null ? FeedOutcome.EVERY_USER : clearAll;
        } else {
            users.add(change.userId());
        }
        return clearAll;
    }

    /**
     * Drops the gaps that can no longer appear: stamped before the oldest open transaction started (or with none
     * open). @return the gaps given up although a transaction older than them may still be open
     */
    private List<Long> settle(Position position, Duration retention) {
        Instant expired = position.now().minus(retention);
        Instant oldestOpen = position.oldestOpen().orElse(Instant.MAX);
        List<Long> givenUp = new ArrayList<>();
        for (Iterator<Map.Entry<Long, Instant>> it = gaps.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Instant> gap = it.next();
            Instant stamp = gap.getValue();
            if (stamp == PENDING) {
                continue;
            }
            if (position.openKnown() && stamp.isBefore(oldestOpen)) {
                it.remove(); // every transaction that could hold it had ended before this poll read
            } else if (stamp.isBefore(expired)) {
                it.remove();
                if (position.openKnown()) {
                    givenUp.add(gap.getKey());
                }
            }
        }
        return givenUp;
    }

    @Override
    public String toString() {
        return "GapCursor{" + maxSeen + ", gaps=" + gaps.size() + "}";
    }
}
