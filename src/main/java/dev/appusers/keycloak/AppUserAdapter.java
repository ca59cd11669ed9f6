package dev.appusers.keycloak;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.storage.ReadOnlyException;
import org.keycloak.storage.StorageId;
import org.keycloak.storage.adapter.AbstractUserAdapterFederatedStorage;

import dev.appusers.keycloak.jdbc.UserRow;
import dev.appusers.keycloak.roles.KeycloakRoles;

/**
 * One app user as a Keycloak {@link UserModel}. Fields the app's table maps (username, email, names, enabled, email
 * verified) come from the row and are read-only; everything else (required actions, Keycloak-only attributes, groups)
 * lives in Keycloak's federated storage as for any federated user.
 */
final class AppUserAdapter extends AbstractUserAdapterFederatedStorage {

    /** The Keycloak roles a user has through the app's user_role table. */
    @FunctionalInterface
    interface AppRoleMappings {
        Set<RoleModel> of(AppUserAdapter user);
    }

    private final UserRow row;
    private final MappedFields mapped;
    private final AppRoleMappings roleMappings;
    private Set<RoleModel> appRoles;

    AppUserAdapter(KeycloakSession session, RealmModel realm, ComponentModel model, UserRow row, MappedFields mapped,
                   AppRoleMappings roleMappings) {
        super(session, realm, model);
        this.row = row;
        this.mapped = mapped;
        this.roleMappings = roleMappings;
        this.storageId = new StorageId(StorageId.keycloakId(model, row.id()));
    }

    UserRow row() {
        return row;
    }

    @Override
    public String getId() {
        return storageId.getId();
    }

    /** The component, as for LDAP users: Keycloak's user profile finds the provider's decorations through it. */
    @Override
    public String getFederationLink() {
        return storageProviderModel.getId();
    }

    @Override
    public String getUsername() {
        return row.username();
    }

    @Override
    public void setUsername(String username) {
        refuseChange(UserModel.USERNAME, row.username(), username);
    }

    @Override
    public boolean isEnabled() {
        return mapped.enabled() ? row.enabled() : super.isEnabled();
    }

    @Override
    public void setEnabled(boolean enabled) {
        if (mapped.enabled()) {
            refuseChange(UserModel.ENABLED, row.enabled(), enabled);
        } else {
            super.setEnabled(enabled);
        }
    }

    @Override
    public boolean isEmailVerified() {
        return mapped.emailVerified() ? row.emailVerified() : super.isEmailVerified();
    }

    @Override
    public void setEmailVerified(boolean verified) {
        if (mapped.emailVerified()) {
            refuseChange(UserModel.EMAIL_VERIFIED, row.emailVerified(), verified);
        } else {
            super.setEmailVerified(verified);
        }
    }

    /** The app's roles of this user, read once per request (one joined query). */
    @Override
    protected Set<RoleModel> getRoleMappingsInternal() {
        if (appRoles == null) {
            appRoles = roleMappings.of(this);
        }
        return appRoles;
    }

    @Override
    public void grantRole(RoleModel role) {
        if (!hasDirectRole(role) && isAppRole(role)) {
            throw new ReadOnlyException("Role " + role.getName() + " comes from the app's user_role table: grant it "
                    + "in the app (app-users provider, editMode READ_ONLY)");
        }
        super.grantRole(role);
    }

    @Override
    public void deleteRoleMapping(RoleModel role) {
        if (getRoleMappingsInternal().contains(role)) {
            throw new ReadOnlyException("Role " + role.getName() + " comes from the app's user_role table: remove it "
                    + "in the app (app-users provider, editMode READ_ONLY)");
        }
        super.deleteRoleMapping(role);
    }

    private boolean isAppRole(RoleModel role) {
        return storageProviderModel.getId().equals(role.getFirstAttribute(KeycloakRoles.COMPONENT_ATTRIBUTE));
    }

    @Override
    public void setSingleAttribute(String name, String value) {
        if (isMapped(name)) {
            refuseChange(name, mappedValue(name), value);
        } else {
            super.setSingleAttribute(name, value);
        }
    }

    @Override
    public void setAttribute(String name, List<String> values) {
        if (isMapped(name)) {
            String value = values == null || values.isEmpty() ? null : values.get(0);
            refuseChange(name, mappedValue(name), value);
        } else {
            super.setAttribute(name, values);
        }
    }

    @Override
    public void removeAttribute(String name) {
        if (isMapped(name)) {
            refuseChange(name, mappedValue(name), null);
        } else {
            super.removeAttribute(name);
        }
    }

    @Override
    public String getFirstAttribute(String name) {
        return isMapped(name) ? mappedValue(name) : super.getFirstAttribute(name);
    }

    @Override
    public Stream<String> getAttributeStream(String name) {
        if (isMapped(name)) {
            String value = mappedValue(name);
            return value == null ? Stream.empty() : Stream.of(value);
        }
        return super.getAttributeStream(name);
    }

    @Override
    public Map<String, List<String>> getAttributes() {
        Map<String, List<String>> attributes = new HashMap<>(super.getAttributes());
        attributes.putAll(Maps.toLists(row.attributes()));
        for (String name : List.of(UserModel.USERNAME, UserModel.EMAIL, UserModel.FIRST_NAME, UserModel.LAST_NAME)) {
            if (isMapped(name)) {
                String value = mappedValue(name);
                if (value == null) {
                    attributes.remove(name);
                } else {
                    attributes.put(name, List.of(value));
                }
            }
        }
        return attributes;
    }

    private boolean isMapped(String name) {
        return switch (name) {
            case UserModel.USERNAME -> true;
            case UserModel.EMAIL -> mapped.email();
            case UserModel.FIRST_NAME -> mapped.firstName();
            case UserModel.LAST_NAME -> mapped.lastName();
            default -> mapped.attributes().contains(name);
        };
    }

    private String mappedValue(String name) {
        return switch (name) {
            case UserModel.USERNAME -> row.username();
            case UserModel.EMAIL -> row.email();
            case UserModel.FIRST_NAME -> row.firstName();
            case UserModel.LAST_NAME -> row.lastName();
            default -> row.attributes().get(name);
        };
    }

    /** Setting a mapped field to the value it has is a no-op (Keycloak does that on every profile update). */
    private static void refuseChange(String field, Object current, Object wanted) {
        if (!Objects.equals(blankToNull(current), blankToNull(wanted))) {
            throw new ReadOnlyException(field + " of this user is read-only: it comes from the app's user table "
                    + "(app-users provider, editMode READ_ONLY)");
        }
    }

    private static Object blankToNull(Object value) {
        return value instanceof String text && text.isBlank() ? null : value;
    }
}
