package dev.appusers.keycloak.sync;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.appusers.keycloak.jdbc.OpenTransactions;

/**
 * When this node's last finished sync of each component started, and what the app database told then about its open
 * transactions. Keycloak records only the time a sync ended (26.5 and later), and a row written by a transaction that
 * was open when the sync started may be missing from its reads; the next changed sync reads from the start instead
 * ({@link ChangeWindow}). Kept in memory: after a restart, or when another node ran the last sync, the changed sync
 * goes by Keycloak's last-sync time and the horizon alone.
 */
final class SyncStarts {

    /** A sync's start: Keycloak's clock, and the database's open transactions then. */
    record SyncStart(Instant at, OpenTransactions open) {
    }

    private static final Map<String, SyncStart> LAST_FINISHED = new ConcurrentHashMap<>();

    private SyncStarts() {
    }

    /** The start of this node's last sync of the component that finished (a stopped one does not count). */
    static Optional<SyncStart> lastFinished(String componentId) {
        return Optional.ofNullable(LAST_FINISHED.get(componentId));
    }

    /** Records a sync that finished; an older start than the one kept is ignored (two syncs ran at once). */
    static void finished(String componentId, SyncStart start) {
        LAST_FINISHED.merge(componentId, start, (kept, added) -> added.at().isAfter(kept.at()) ? added : kept);
    }
}
