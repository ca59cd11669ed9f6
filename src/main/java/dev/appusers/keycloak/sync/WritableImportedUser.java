package dev.appusers.keycloak.sync;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.UserModelDelegate;
import org.keycloak.storage.ReadOnlyException;

import dev.appusers.keycloak.jdbc.UserRow;
import dev.appusers.keycloak.lockout.KeycloakLockout;
import dev.appusers.keycloak.store.AppUserStore;

/**
 * An imported user in WRITABLE mode, as Keycloak hands it out (as Keycloak's LDAP federation does with import on): a
 * change of a field or attribute the app maps, and the grant or removal of an app role, is written to the app's tables
 * first, then to Keycloak's copy. A write the app database refuses throws before Keycloak's copy changes, and the
 * app's write joined Keycloak's transaction, so the request that fails rolls back both sides. Setting a value to what
 * it is writes nothing (Keycloak's profile update does that); everything else is Keycloak's, as for any local user.
 */
final class WritableImportedUser extends UserModelDelegate {

    private final RealmModel realm;
    private final String appId;
    private final Set<String> mapped;
    private final Predicate<RoleModel> appRole;
    private final AppUserStore app;

    /**
     * @param mapped the fields the app maps ({@code email}, {@code firstName}, {@code lastName}, {@code enabled},
     *     {@code emailVerified}) and the mapped attributes; the username always is
     * @param appRole whether a role is in the container of the app's roles
     */
    WritableImportedUser(UserModel delegate, RealmModel realm, String appId, Set<String> mapped,
                         Predicate<RoleModel> appRole, AppUserStore app) {
        super(delegate);
        this.realm = realm;
        this.appId = appId;
        this.mapped = mapped;
        this.appRole = appRole;
        this.app = app;
    }

    @Override
    public void setUsername(String username) {
        write(UserModel.USERNAME, getUsername(), username, () -> super.setUsername(username));
    }

    @Override
    public void setEmail(String email) {
        write(UserModel.EMAIL, getEmail(), email, () -> super.setEmail(email));
    }

    @Override
    public void setFirstName(String firstName) {
        write(UserModel.FIRST_NAME, getFirstName(), firstName, () -> super.setFirstName(firstName));
    }

    @Override
    public void setLastName(String lastName) {
        write(UserModel.LAST_NAME, getLastName(), lastName, () -> super.setLastName(lastName));
    }

    /** Enabled while Keycloak's copy of the app's flag says so and Keycloak's lockout does not hold. */
    @Override
    public boolean isEnabled() {
        return super.isEnabled() && !KeycloakLockout.holds(getFirstAttribute(KeycloakLockout.REASON_ATTRIBUTE));
    }

    /**
     * Keycloak's lockout is kept in an attribute of Keycloak's copy, not written to the app (see
     * {@link KeycloakLockout}); an admin's disable or enable is written to the app's flag as before, and an enable also
     * ends Keycloak's lockout.
     */
    @Override
    public void setEnabled(boolean enabled) {
        boolean lockedOut = KeycloakLockout.holds(getFirstAttribute(KeycloakLockout.REASON_ATTRIBUTE));
        if (!enabled && (lockedOut || KeycloakLockout.isLockingOut())) { // a locked-out user saved as disabled: as is
            super.setSingleAttribute(KeycloakLockout.REASON_ATTRIBUTE, KeycloakLockout.PERMANENT_LOCKOUT);
            return;
        }
        write(UserModel.ENABLED, super.isEnabled(), enabled, () -> super.setEnabled(enabled));
        if (enabled && lockedOut) {
            super.removeAttribute(KeycloakLockout.REASON_ATTRIBUTE);
        }
    }

    @Override
    public void setEmailVerified(boolean verified) {
        write(UserModel.EMAIL_VERIFIED, isEmailVerified(), verified, () -> super.setEmailVerified(verified));
    }

    @Override
    public void setSingleAttribute(String name, String value) {
        writeAttribute(name, value, () -> super.setSingleAttribute(name, value));
    }

    @Override
    public void setAttribute(String name, List<String> values) {
        writeAttribute(name, values == null || values.isEmpty() ? null : values.get(0),
                () -> super.setAttribute(name, values));
    }

    @Override
    public void removeAttribute(String name) {
        writeAttribute(name, null, () -> super.removeAttribute(name));
    }

    @Override
    public void grantRole(RoleModel role) {
        if (appRole.test(role) && !hasDirectRole(role)) {
            app.grantAppRole(realm, appId, role); // false: no app role of that name, the grant is Keycloak's alone
        }
        super.grantRole(role);
    }

    @Override
    public void deleteRoleMapping(RoleModel role) {
        if (appRole.test(role) && hasDirectRole(role)) {
            app.revokeAppRole(appId, role);
        }
        super.deleteRoleMapping(role);
    }

    /** An attribute: the profile fields and mapped columns go to the app; the link to the app row is not changed. */
    private void writeAttribute(String name, String value, Runnable local) {
        if (ImportedUser.APP_ID_ATTRIBUTE.equals(name) && !Objects.equals(getFirstAttribute(name), value)) {
            throw new ReadOnlyException(name + " links this user to its row in the app's table (app-users provider): "
                    + "it cannot be changed");
        }
        if (UserModel.ENABLED.equals(name) || UserModel.EMAIL_VERIFIED.equals(name)) {
            local.run(); // not the fields of those names: an attribute Keycloak keeps
            return;
        }
        write(name, getFirstAttribute(name), value, local);
    }

    private void write(String field, Object current, Object wanted, Runnable local) {
        if (!isMapped(field) || Objects.equals(blankToNull(current), blankToNull(wanted))) {
            local.run();
            return;
        }
        UserRow row = app.write(appId, field, blankToNull(wanted));
        local.run();
        follow(row);
    }

    /** Keycloak's copy of the fields one column may stand for (Litestar-Users' email is the username too). */
    private void follow(UserRow row) {
        if (!row.username().equalsIgnoreCase(getUsername())) {
            super.setUsername(row.username());
        }
        if (mapped.contains(UserModel.EMAIL) && row.email() != null && !row.email().equalsIgnoreCase(getEmail())) {
            super.setEmail(row.email());
        }
    }

    private boolean isMapped(String field) {
        return UserModel.USERNAME.equals(field) || mapped.contains(field);
    }

    private static Object blankToNull(Object value) {
        return value instanceof String text && text.isBlank() ? null : value;
    }
}
