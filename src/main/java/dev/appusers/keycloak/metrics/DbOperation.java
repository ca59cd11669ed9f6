package dev.appusers.keycloak.metrics;

/**
 * What a call to the app database was for: the {@code operation} tag of {@code app_users_db_calls_seconds}. A small
 * fixed set, so that the tag's values stay bounded whatever the app's data.
 */
public enum DbOperation {
    /** One user by id, username or email (sign-in, admin console, import-mode validation). */
    USER_LOOKUP("user_lookup"),
    /** A page of users (admin console's user list, a role's members). */
    SEARCH("search"),
    /** Counting users. */
    COUNT("count"),
    /** A user's roles, or a role by name. */
    ROLE_READ("role_read"),
    /** Any write (WRITABLE: a new password, profile, role, registration, deletion). */
    WRITE("write"),
    /** A page of users read by a sync, and the sync's reads of the change table and open transactions. */
    SYNC_PAGE("sync_page"),
    /** One poll (or start) of the change feed. */
    CHANGE_FEED_POLL("change_feed_poll");

    private final String tag;

    DbOperation(String tag) {
        this.tag = tag;
    }

    /** @return the tag value as Prometheus shows it */
    public String tag() {
        return tag;
    }
}
