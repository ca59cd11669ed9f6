package dev.appusers.keycloak.sync;

import java.sql.Timestamp;
import java.util.Optional;

/**
 * How far back "Sync changed users" reads the app's change table, and when it cannot trust it.
 *
 * <p>The change table's {@code changed_at} is the database's clock (PostgreSQL: the time its transaction started),
 * while the last sync is Keycloak's clock in whole seconds. The table is read from {@value #OVERLAP_MILLIS} ms before
 * the last sync, so a small skew or a transaction that was open at the last sync costs nothing but re-reading a few
 * users, which Keycloak then finds unchanged. Both moments are compared as the last-modified column is: a
 * {@code setTimestamp} parameter, in Keycloak's time zone.
 *
 * <p>The triggers prune rows oldest first. While the oldest row kept is at or before that moment, every change since
 * is still there; when it is newer, changes may have been pruned (or the table was installed after the last sync), and
 * the sync runs as a full one. An empty table never lost a row to pruning (the triggers keep the newest row): it
 * records no change, and the changed sync reads the last-modified column only.
 */
final class ChangeWindow {

    static final long OVERLAP_MILLIS = 10_000;

    private ChangeWindow() {
    }

    /** The moment the change table is read from: the last sync, less the overlap. */
    static Timestamp from(Timestamp lastSync) {
        return new Timestamp(lastSync.getTime() - OVERLAP_MILLIS);
    }

    /** Why the changed sync cannot trust the table (a full sync runs instead), or empty when it can. */
    static Optional<String> untrusted(String table, Timestamp from, Optional<Timestamp> oldestKept) {
        if (oldestKept.isPresent() && oldestKept.get().after(from)) {
            return Optional.of("the oldest change kept in " + table + " (" + oldestKept.get() + ") is newer than "
                    + from + " (the last sync, less " + OVERLAP_MILLIS / 1000 + " s): changes may have been pruned");
        }
        return Optional.empty();
    }

    /** Why a change for every user (a NULL user id) makes the changed sync a full one. */
    static String everyone(String table) {
        return table + " records a change for every user (a NULL user_id) since the last sync";
    }
}
