package dev.appusers.keycloak.changes;

import java.util.List;
import java.util.Set;

/**
 * What one poll of a change table asks of this node: the users to evict, or every user of the realm (with the
 * reason, logged once as a warning), and the rows it had to skip or stop waiting for (each logged as a warning).
 *
 * @param userIds    app user ids (canonical UUID text) changed since the last poll
 * @param clearAll   why every user must be evicted (changes may have been lost, or a change was for every user),
 *                   or null
 * @param unreadable sequence numbers of rows whose user id could not be read: skipped
 * @param givenUp    sequence numbers no longer waited for (their transaction outlived the retention), if any
 */
record FeedOutcome(Set<String> userIds, String clearAll, List<Long> unreadable, List<Long> givenUp) {

    /** Changes were for every user (a role renamed or deleted): not a warning, the cache is simply cleared. */
    static final String EVERY_USER = "a change for every user";

    boolean everyone() {
        return clearAll != null;
    }

    /** Whether the realm's cache is cleared because changes may have been lost (a warning), not by a change row. */
    boolean lostChanges() {
        return clearAll != null && !EVERY_USER.equals(clearAll);
    }
}
