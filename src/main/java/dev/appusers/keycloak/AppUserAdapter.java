package dev.appusers.keycloak;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.storage.ReadOnlyException;
import org.keycloak.storage.StorageId;
import org.keycloak.storage.adapter.AbstractUserAdapterFederatedStorage;

import dev.appusers.keycloak.jdbc.UserRow;
import dev.appusers.keycloak.lockout.KeycloakLockout;
import dev.appusers.keycloak.store.AppUserStore;
import dev.appusers.keycloak.store.MappedFields;

/**
 * One app user as a Keycloak {@link UserModel}. Fields the app's table maps (username, email, names, enabled, email
 * verified, attribute columns) and app roles come from the app; in READ_ONLY mode changing them is refused, in
 * WRITABLE mode the change goes to the app's tables through {@link AppUserStore}. Everything else (required actions,
 * Keycloak-only attributes and roles, groups) lives in Keycloak's federated storage as for any federated user.
 */
final class AppUserAdapter extends AbstractUserAdapterFederatedStorage {

    private static final List<String> PROFILE_FIELDS = List.of(UserModel.USERNAME, UserModel.EMAIL,
            UserModel.FIRST_NAME, UserModel.LAST_NAME);

    private final MappedFields mapped;
    private final AppUserStore store;
    private UserRow row;
    private Set<RoleModel> appRoles;
    /** Keycloak's own attributes of this user (federated storage), read once per request, not once per call. */
    private MultivaluedHashMap<String, String> keycloakAttributes;

    AppUserAdapter(KeycloakSession session, RealmModel realm, ComponentModel model, UserRow row, MappedFields mapped,
                   AppUserStore store) {
        super(session, realm, model);
        this.row = row;
        this.mapped = mapped;
        this.store = store;
        this.storageId = new StorageId(StorageId.keycloakId(model, row.id()));
    }

    UserRow row() {
        return row;
    }

    /** After a write made outside this adapter (a new password hash). */
    void replaceRow(UserRow newRow) {
        this.row = newRow;
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
        change(UserModel.USERNAME, row.username(), username);
    }

    /** Enabled while the app says so and Keycloak's lockout ({@link KeycloakLockout}) does not hold. */
    @Override
    public boolean isEnabled() {
        return mapped.enabled() ? row.enabled() && !lockedOut() : super.isEnabled();
    }

    /**
     * With the app's enabled column mapped: Keycloak's lockout is kept in Keycloak's federated storage, never written
     * to the app's row (READ_ONLY or WRITABLE); an admin's disable is the app's (written in WRITABLE, refused in
     * READ_ONLY); an admin's enable also ends Keycloak's lockout, and saving a locked-out user as disabled (the admin
     * console sends "enabled" with every save) changes nothing. Without that column, "enabled" is Keycloak's alone.
     */
    @Override
    public void setEnabled(boolean enabled) {
        if (!mapped.enabled()) {
            super.setEnabled(enabled);
        } else if (!enabled && (lockedOut() || KeycloakLockout.isLockingOut())) { // disabled stays as shown
            super.setSingleAttribute(KeycloakLockout.REASON_ATTRIBUTE, KeycloakLockout.PERMANENT_LOCKOUT);
            keycloakAttributes = null;
        } else {
            change(UserModel.ENABLED, row.enabled(), enabled);
            if (enabled && lockedOut()) {
                super.removeAttribute(KeycloakLockout.REASON_ATTRIBUTE);
                keycloakAttributes = null;
            }
        }
    }

    private boolean lockedOut() {
        return KeycloakLockout.holds(keycloakAttributes().getFirst(KeycloakLockout.REASON_ATTRIBUTE));
    }

    @Override
    public boolean isEmailVerified() {
        return mapped.emailVerified() ? row.emailVerified() : super.isEmailVerified();
    }

    @Override
    public void setEmailVerified(boolean verified) {
        if (mapped.emailVerified()) {
            change(UserModel.EMAIL_VERIFIED, row.emailVerified(), verified);
        } else {
            super.setEmailVerified(verified);
        }
    }

    /** The app's roles of this user when they were read with its row. */
    AppUserAdapter withAppRoles(Set<RoleModel> roles) {
        this.appRoles = roles;
        return this;
    }

    /** The app's roles of this user, read once per request (one joined query). */
    @Override
    protected Set<RoleModel> getRoleMappingsInternal() {
        if (appRoles == null) {
            appRoles = store.appRoles(realm, row.id());
        }
        return appRoles;
    }

    @Override
    public void grantRole(RoleModel role) {
        if (hasDirectRole(role)) {
            return;
        }
        if (store.grantAppRole(realm, row.id(), role)) {
            appRoles = null;
        } else {
            super.grantRole(role);
        }
    }

    @Override
    public void deleteRoleMapping(RoleModel role) {
        if (getRoleMappingsInternal().contains(role)) {
            store.revokeAppRole(row.id(), role);
            appRoles = null;
        } else {
            super.deleteRoleMapping(role);
        }
    }

    @Override
    public void setSingleAttribute(String name, String value) {
        if (isMapped(name)) {
            change(name, mappedValue(name), value);
        } else {
            super.setSingleAttribute(name, value);
            keycloakAttributes = null;
        }
    }

    @Override
    public void setAttribute(String name, List<String> values) {
        if (isMapped(name)) {
            change(name, mappedValue(name), values == null || values.isEmpty() ? null : values.get(0));
        } else {
            super.setAttribute(name, values);
            keycloakAttributes = null;
        }
    }

    @Override
    public void removeAttribute(String name) {
        if (isMapped(name)) {
            change(name, mappedValue(name), null);
        } else {
            super.removeAttribute(name);
            keycloakAttributes = null;
        }
    }

    @Override
    public String getFirstAttribute(String name) {
        if (isMapped(name)) {
            return mappedValue(name);
        }
        return UserModel.USERNAME.equals(name) ? getUsername() : keycloakAttributes().getFirst(mapAttribute(name));
    }

    @Override
    public Stream<String> getAttributeStream(String name) {
        if (isMapped(name)) {
            String value = mappedValue(name);
            return value == null ? Stream.empty() : Stream.of(value);
        }
        if (UserModel.USERNAME.equals(name)) {
            return Stream.of(getUsername());
        }
        List<String> values = keycloakAttributes().get(mapAttribute(name));
        return values == null ? Stream.empty() : List.copyOf(values).stream();
    }

    /** As {@code AbstractUserAdapterFederatedStorage.getAttributes()} builds it, from the attributes read once. */
    private Map<String, List<String>> keycloakSideAttributes() {
        Map<String, List<String>> attributes = new HashMap<>();
        keycloakAttributes().forEach((name, values) -> attributes.put(name, new ArrayList<>(values)));
        attributes.put(UserModel.FIRST_NAME, firstOf(attributes.remove(FIRST_NAME_ATTRIBUTE)));
        attributes.put(UserModel.LAST_NAME, firstOf(attributes.remove(LAST_NAME_ATTRIBUTE)));
        attributes.put(UserModel.EMAIL, firstOf(attributes.remove(EMAIL_ATTRIBUTE)));
        attributes.put(UserModel.USERNAME, List.of(getUsername()));
        return attributes;
    }

    private static List<String> firstOf(List<String> values) {
        return Collections.singletonList(values == null || values.isEmpty() ? null : values.get(0));
    }

    private MultivaluedHashMap<String, String> keycloakAttributes() {
        if (keycloakAttributes == null) {
            MultivaluedHashMap<String, String> read = getFederatedStorage().getAttributes(realm, getId());
            keycloakAttributes = read == null ? new MultivaluedHashMap<>() : read;
        }
        return keycloakAttributes;
    }

    @Override
    public Map<String, List<String>> getAttributes() {
        Map<String, List<String>> attributes = keycloakSideAttributes();
        attributes.putAll(row.attributeLists());
        for (String name : PROFILE_FIELDS) {
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
        return mapped.maps(name);
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

    /**
     * Setting a mapped field to the value it has is a no-op (Keycloak does that on every profile update); another
     * value is written to the app's table (WRITABLE) or refused (READ_ONLY).
     */
    private void change(String field, Object current, Object wanted) {
        if (Objects.equals(blankToNull(current), blankToNull(wanted))) {
            return;
        }
        if (!store.writable()) {
            throw new ReadOnlyException(field + " of this user is read-only: it comes from the app's user table "
                    + "(app-users provider, editMode READ_ONLY)");
        }
        row = store.write(row.id(), field, blankToNull(wanted));
    }

    private static Object blankToNull(Object value) {
        return value instanceof String text && text.isBlank() ? null : value;
    }
}
