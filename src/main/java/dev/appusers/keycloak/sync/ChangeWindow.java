package dev.appusers.keycloak.sync;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How far back "Sync changed users" reads, and when it cannot trust the change table.
 *
 * <p>A changed sync must take every change whose transaction committed after the previous sync started, also when
 * the row's time is older: the app's last-modified column and the change table's {@code changed_at} hold the time of
 * the statement (PostgreSQL's {@code now()}: the time its transaction began), not of the commit. The longest app
 * transaction Keycloak waits for is the horizon (the change table's retention, {@code ChangeTable#retention}), so
 * the sound bound is the previous start (this node's own, {@link SyncStarts}, else Keycloak's last-sync time) less
 * the horizon. It is tightened, never loosened, where the database told at the previous start what was open then:
 * MariaDB/MySQL the oldest open transaction's age (from that transaction's start), PostgreSQL the snapshot's xmin
 * (the change table's rows by {@code txid} then name every user written since, so the last-modified column is read
 * from the previous start only). Every bound keeps {@value #OVERLAP_MILLIS} ms for the clocks of the app, the
 * database and Keycloak. Users read again unchanged are found unchanged and counted nowhere.
 *
 * <p>Rows are pruned oldest first (by the PostgreSQL triggers, by Keycloak on MariaDB/MySQL). While the oldest row
 * kept is at or before the table's bound, every change
 * since is still there; when it is newer, changes may have been pruned (or the table was installed since), and the
 * sync runs as a full one. An empty table never lost a row to pruning (the triggers keep the newest row): it records
 * no change, and the changed sync reads the last-modified column only. Times are compared as the last-modified column
 * is: a {@code setTimestamp} parameter, in Keycloak's time zone.
 */
final class ChangeWindow {

    static final long OVERLAP_MILLIS = 10_000;

    /**
     * What one changed sync reads: rows whose last-modified column is at or after {@code rowsSince}; change-table
     * rows at or after {@code tableSince} (the bound the oldest kept row is checked against), or, with {@code
     * fromTxid}, those of transactions from that id on; {@code basis} says which bound it is, for the log.
     */
    record Bounds(Timestamp rowsSince, Timestamp tableSince, Long fromTxid, String basis) {
    }

    private ChangeWindow() {
    }

    /**
     * @param lastSync Keycloak's last-sync time
     * @param previous this node's last finished sync, if any
     * @param horizon the longest app transaction Keycloak waits for
     * @param tableHasTxid whether the change table records transaction ids (PostgreSQL)
     */
    static Bounds of(Timestamp lastSync, Optional<SyncStarts.SyncStart> previous, Duration horizon,
                     boolean tableHasTxid) {
        Instant last = lastSync.toInstant();
        boolean own = previous.isPresent() && !previous.get().at().isAfter(last);
        Instant start = own ? previous.get().at() : last;
        Duration back = horizon.toMillis() > OVERLAP_MILLIS ? horizon : Duration.ofMillis(OVERLAP_MILLIS);
        Timestamp loose = Timestamp.from(start.minus(back));
        String from = own ? "this node's previous sync start " : "Keycloak's last sync ";
        if (own && previous.get().open().oldestAge().isPresent()) {
            Duration age = previous.get().open().oldestAge().get();
            Timestamp tight = later(loose, Timestamp.from(start.minus(age).minusMillis(OVERLAP_MILLIS)));
            return new Bounds(tight, tight, null, from + start + ", less the oldest transaction open then (" + age
                    + ") and " + OVERLAP_MILLIS / 1000 + " s");
        }
        OptionalLong xmin = own ? previous.get().open().xmin() : OptionalLong.empty();
        if (xmin.isPresent() && tableHasTxid) {
            Timestamp rows = later(loose, Timestamp.from(start.minusMillis(OVERLAP_MILLIS)));
            return new Bounds(rows, loose, xmin.getAsLong(), from + start + ", less the horizon " + back
                    + "; the change table's transactions from " + xmin.getAsLong() + " on, and rows changed since "
                    + rows);
        }
        return new Bounds(loose, loose, null, from + start + ", less the horizon " + back);
    }

    private static Timestamp later(Timestamp a, Timestamp b) {
        return a.after(b) ? a : b;
    }

    /** Why the changed sync cannot trust the table (a full sync runs instead), or empty when it can. */
    static Optional<String> untrusted(String table, Bounds bounds, Optional<Timestamp> oldestKept) {
        if (oldestKept.isPresent() && oldestKept.get().after(bounds.tableSince())) {
            return Optional.of("the oldest change kept in " + table + " (" + oldestKept.get() + ") is newer than "
                    + bounds.tableSince() + " (" + bounds.basis() + "): changes may have been pruned");
        }
        return Optional.empty();
    }

    /** Why a change for every user (a NULL user id) makes the changed sync a full one. */
    static String everyone(String table) {
        return table + " records a change for every user (a NULL user_id) since the last sync";
    }
}
