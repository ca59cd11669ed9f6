package dev.appusers.keycloak;

import java.util.Set;

import org.keycloak.models.RoleModel;

import dev.appusers.keycloak.jdbc.UserRow;

/** What a user adapter asks of its provider: the user's app roles, and (WRITABLE) writes to the app's tables. */
interface AppUserStore {

    /** The Keycloak roles the user has through the app's user_role table. */
    Set<RoleModel> appRoles(AppUserAdapter user);

    boolean writable();

    /**
     * Writes a mapped field ({@code username}, {@code email}, {@code firstName}, {@code lastName}, {@code enabled},
     * {@code emailVerified} or a mapped attribute) and returns the row as the app's table now holds it.
     */
    UserRow write(AppUserAdapter user, String field, Object value);

    /**
     * Grants an app role through the app's user_role table.
     *
     * @return false when the role is not one of the app's (Keycloak stores the grant itself)
     * @throws org.keycloak.storage.ReadOnlyException for an app role in READ_ONLY mode
     */
    boolean grantAppRole(AppUserAdapter user, RoleModel role);

    /** Removes an app role the user has through user_role. @throws org.keycloak.storage.ReadOnlyException (READ_ONLY) */
    void revokeAppRole(AppUserAdapter user, RoleModel role);
}
