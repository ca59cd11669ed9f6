package dev.appusers.keycloak.config;

/** What Keycloak may do to the app's tables. */
public enum EditMode {
    /** Keycloak reads the app's tables and refuses every change to a mapped field. */
    READ_ONLY,
    /** Keycloak writes changes of users, passwords and app roles to the app's tables, in its own transaction. */
    WRITABLE
}
