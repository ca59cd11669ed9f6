package dev.appusers.keycloak.jdbc;

/**
 * One row of the app's user table as Keycloak needs it. {@code id} is the canonical UUID text; absent columns are
 * {@code null}. {@link #toString()} never shows the password hash.
 */
public record UserRow(String id, String username, String email, String firstName, String lastName,
                      String passwordHash, boolean enabled, boolean emailVerified) {

    @Override
    public String toString() {
        return "UserRow{id=" + id + "}";
    }
}
