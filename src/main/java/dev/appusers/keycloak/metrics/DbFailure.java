package dev.appusers.keycloak.metrics;

/**
 * Why a call to the app database failed, or a row of it could not be read: the {@code kind} tag of
 * {@code app_users_db_failures_total}.
 */
public enum DbFailure {
    /** No connection, the server refusing to serve, credentials refused, a mapped table or column gone. */
    UNAVAILABLE("unavailable"),
    /** The database did not answer within the query or network timeout. */
    TIMEOUT("timeout"),
    /** The database answered with an error: a constraint, a permission, a statement it would not run. */
    REFUSED("refused"),
    /** A row that was read but could not be used (an id that is no UUID, an empty username, an unreadable change). */
    MALFORMED_ROW("malformed_row");

    private final String tag;

    DbFailure(String tag) {
        this.tag = tag;
    }

    /** @return the tag value as Prometheus shows it */
    public String tag() {
        return tag;
    }

    /** Whether the failure says the database cannot serve now (the availability gauge drops to 0). */
    public boolean unavailable() {
        return this == UNAVAILABLE || this == TIMEOUT;
    }
}
