package dev.appusers.keycloak.sync;

import org.keycloak.models.RoleModel;

import dev.appusers.keycloak.jdbc.UserRow;

/**
 * The writes to the app's tables an imported user makes in WRITABLE mode ({@link WritableImportedUser}), in Keycloak's
 * transaction: a refused write throws ({@link org.keycloak.models.ModelDuplicateException} for a unique constraint,
 * {@link org.keycloak.models.ModelException} otherwise) before Keycloak's copy changes.
 */
public interface AppUserWrites {

    /**
     * Writes a mapped field ({@code username}, {@code email}, {@code firstName}, {@code lastName}, {@code enabled},
     * {@code emailVerified} or a mapped attribute) of the app user {@code appId}.
     *
     * @return the row as the app's table now holds it (one column may stand for two fields: Litestar-Users' email is
     *     the username too)
     */
    UserRow write(String appId, String field, Object value);

    /** @return false when the app has no role of that name (Keycloak keeps the grant alone) */
    boolean grantAppRole(String appId, RoleModel role);

    void revokeAppRole(String appId, RoleModel role);
}
