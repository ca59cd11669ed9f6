package dev.appusers.keycloak.sync;

import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.UserModelDelegate;
import org.keycloak.storage.ReadOnlyException;

import dev.appusers.keycloak.lockout.KeycloakLockout;

/**
 * An imported user in READ_ONLY mode, as Keycloak hands it out: the fields and attributes the app maps, and the app's
 * role grants, are refused with the reason (setting a value to what it is stays a no-op, as Keycloak's profile update
 * does that); everything else is Keycloak's, as for any local user.
 */
final class ReadOnlyImportedUser extends UserModelDelegate {

    private final Set<String> mappedAttributes;
    private final java.util.function.Predicate<RoleModel> appRole;

    ReadOnlyImportedUser(UserModel delegate, Set<String> mappedAttributes,
                         java.util.function.Predicate<RoleModel> appRole) {
        super(delegate);
        this.mappedAttributes = mappedAttributes;
        this.appRole = appRole;
    }

    @Override
    public void setUsername(String username) {
        refuseChange(UserModel.USERNAME, getUsername(), username);
        super.setUsername(username);
    }

    @Override
    public void setEmail(String email) {
        refuseChange(UserModel.EMAIL, getEmail(), email);
        super.setEmail(email);
    }

    @Override
    public void setFirstName(String firstName) {
        refuseChange(UserModel.FIRST_NAME, getFirstName(), firstName);
        super.setFirstName(firstName);
    }

    @Override
    public void setLastName(String lastName) {
        refuseChange(UserModel.LAST_NAME, getLastName(), lastName);
        super.setLastName(lastName);
    }

    /** Enabled while Keycloak's copy of the app's flag says so and Keycloak's lockout does not hold. */
    @Override
    public boolean isEnabled() {
        return super.isEnabled() && !KeycloakLockout.holds(getFirstAttribute(KeycloakLockout.REASON_ATTRIBUTE));
    }

    /**
     * Keycloak's lockout is kept in an attribute of Keycloak's copy (the copy's own flag follows the app's row at every
     * import); an admin's disable of the app's flag is refused; an admin's enable ends Keycloak's lockout.
     */
    @Override
    public void setEnabled(boolean enabled) {
        boolean lockedOut = KeycloakLockout.holds(getFirstAttribute(KeycloakLockout.REASON_ATTRIBUTE));
        if (!enabled && (lockedOut || KeycloakLockout.isLockingOut())) { // a locked-out user saved as disabled: as is
            super.setSingleAttribute(KeycloakLockout.REASON_ATTRIBUTE, KeycloakLockout.PERMANENT_LOCKOUT);
            return;
        }
        refuseChange(UserModel.ENABLED, super.isEnabled(), enabled);
        if (enabled && lockedOut) {
            super.removeAttribute(KeycloakLockout.REASON_ATTRIBUTE);
        }
        super.setEnabled(enabled);
    }

    @Override
    public void setEmailVerified(boolean verified) {
        refuseChange(UserModel.EMAIL_VERIFIED, isEmailVerified(), verified);
        super.setEmailVerified(verified);
    }

    @Override
    public void setSingleAttribute(String name, String value) {
        refuseChange(name, getFirstAttribute(name), value);
        super.setSingleAttribute(name, value);
    }

    @Override
    public void setAttribute(String name, List<String> values) {
        refuseChange(name, getFirstAttribute(name), values == null || values.isEmpty() ? null : values.get(0));
        super.setAttribute(name, values);
    }

    @Override
    public void removeAttribute(String name) {
        refuseChange(name, getFirstAttribute(name), null);
        super.removeAttribute(name);
    }

    @Override
    public void grantRole(RoleModel role) {
        if (appRole.test(role) && !hasDirectRole(role)) {
            throw new ReadOnlyException("Role " + role.getName() + " comes from the app's user_role table: grant it "
                    + "in the app (app-users provider, editMode READ_ONLY)");
        }
        super.grantRole(role);
    }

    @Override
    public void deleteRoleMapping(RoleModel role) {
        if (appRole.test(role)) {
            throw new ReadOnlyException("Role " + role.getName() + " comes from the app's user_role table: remove "
                    + "it in the app (app-users provider, editMode READ_ONLY)");
        }
        super.deleteRoleMapping(role);
    }

    private void refuseChange(String field, Object current, Object wanted) {
        if (!isMapped(field) || Objects.equals(blankToNull(current), blankToNull(wanted))) {
            return;
        }
        throw new ReadOnlyException(field + " of this user is read-only: it comes from the app's user table "
                + "(app-users provider, editMode READ_ONLY)");
    }

    private boolean isMapped(String field) {
        return switch (field) {
            case UserModel.USERNAME, ImportedUser.APP_ID_ATTRIBUTE, ImportedUser.HASH_FINGERPRINT_ATTRIBUTE -> true;
            default -> mappedAttributes.contains(field);
        };
    }

    private static Object blankToNull(Object value) {
        if (value instanceof Boolean b) {
            return b.toString();
        }
        return value instanceof String text && text.isBlank() ? null : value;
    }
}
