package dev.appusers.keycloak.sync;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserProvider;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.storage.UserStoragePrivateUtil;

import dev.appusers.keycloak.credential.AppHashes;
import dev.appusers.keycloak.jdbc.AppRole;
import dev.appusers.keycloak.jdbc.UserRow;
import dev.appusers.keycloak.roles.KeycloakRoles;
import dev.appusers.keycloak.store.AppUserStore;

/**
 * Brings one app user into Keycloak's own database, or an imported one in line with its row: username, email, names,
 * enabled, email verified, mapped attributes, the app's roles as ordinary role grants, and the app's hash as a password
 * credential ({@link AppHashes}). Runs in the caller's Keycloak transaction. A row Keycloak cannot take (no email, a
 * hash of no known format or with a body that does not parse, a username or email another Keycloak user has) is
 * refused with one log line naming the app id, checked before anything is written, so it never fails its
 * transaction; an imported user whose row is refused is disabled and keeps in step with the rest of its row.
 */
final class UserImport {

    private static final Logger LOG = Logger.getLogger(UserImport.class);

    enum Outcome { ADDED, UPDATED, UNCHANGED, FAILED }

    private final RealmModel realm;
    private final AppUserStore store;
    private final UserProvider local;
    private final Optional<KeycloakRoles> roles;
    /** Names of every app role (a sync knows them), or null: only roles the component created are the app's. */
    private final Set<String> appRoleNames;
    /** Usernames and emails this import gave out, by Keycloak id: seen before Keycloak's database has them. */
    private final java.util.Map<String, String> claimed = new java.util.HashMap<>();
    /** The Keycloak ids this import gave out. */
    private final Set<String> claimedIds = new java.util.HashSet<>();

    /** A sync's view of Keycloak's users for the current batch (one query), or null: ask per user. */
    private final LinkedUsers.Known known;
    /** Where a sync writes its new users as Keycloak's entities, or null: Keycloak's {@code addUser}. */
    private final NewUsers newUsers;

    UserImport(KeycloakSession session, RealmModel realm, AppUserStore store, Set<String> appRoleNames) {
        this(session, realm, store, appRoleNames, null);
    }

    UserImport(KeycloakSession session, RealmModel realm, AppUserStore store, Set<String> appRoleNames,
               LinkedUsers.Known known) {
        this.known = known;
        this.newUsers = known != null && NewUsers.enabled() ? new NewUsers(session, realm, store) : null;
        this.realm = realm;
        this.store = store;
        this.local = UserStoragePrivateUtil.userLocalStorage(session);
        this.roles = store.config().roles().map(config -> KeycloakRoles.of(realm, config, store.componentId()));
        this.appRoleNames = appRoleNames;
    }

    /** Writes the new users a sync added as entities ({@link NewUsers#write()}); a no-op otherwise. */
    void finish() {
        if (newUsers != null) {
            newUsers.write();
        }
    }

    /** The imported user of this row, if it was imported before. */
    UserModel existing(UserRow row) {
        String id = ImportedUser.keycloakId(store.componentId(), row.id());
        if (known != null && !known.ids().contains(id) && !claimedIds.contains(id)) {
            return null;
        }
        return local.getUserById(realm, id);
    }

    Outcome apply(UserRow row, List<AppRole> appRoles) {
        Optional<String> refusal = refusal(row);
        if (refusal.isPresent()) {
            UserModel user = existing(row);
            if (user != null && store.componentId().equals(user.getFederationLink())) {
                LOG.warnf("App user %s not updated: %s; its Keycloak user is disabled until the row can be imported",
                        row.id(), refusal.get());
                applyWhatItCan(user, row, appRoles);
            } else {
                LOG.warnf("App user %s not imported: %s", row.id(), refusal.get());
            }
            return Outcome.FAILED;
        }
        UserModel user = existing(row);
        boolean added = user == null;
        if (added && newUsers != null) {
            addAsEntities(row, appRoles);
            return Outcome.ADDED;
        }
        if (added) {
            user = local.addUser(realm, ImportedUser.keycloakId(store.componentId(), row.id()), row.username(), true,
                    false);
            user.setFederationLink(store.componentId());
            user.setSingleAttribute(ImportedUser.APP_ID_ATTRIBUTE, row.id());
        } else if (!store.componentId().equals(user.getFederationLink())) {
            LOG.warnf("App user %s not updated: its Keycloak user is no longer linked to this component", row.id());
            return Outcome.FAILED;
        }
        claim(row, user.getId());
        boolean changed = update(user, row);
        changed |= grantRoles(user, appRoles, added);
        changed |= updatePassword(user, row, added);
        return added ? Outcome.ADDED : changed ? Outcome.UPDATED : Outcome.UNCHANGED;
    }

    private void claim(UserRow row, String id) {
        claimedIds.add(id);
        claimed.put("u:" + row.username(), id);
        if (row.email() != null) {
            claimed.put("e:" + row.email(), id);
        }
    }

    /** A new user of a sync, written as Keycloak's entities: what the model calls below would write. */
    private void addAsEntities(UserRow row, List<AppRole> appRoles) {
        String id = ImportedUser.keycloakId(store.componentId(), row.id());
        claim(row, id);
        Set<RoleModel> wanted = roles.isPresent() ? roles.get().rolesFor(appRoles) : Set.of();
        boolean hashed = store.config().passwordHashColumn().isPresent();
        String fingerprint = hashed ? ImportedUser.fingerprint(row.passwordHash()) : "";
        PasswordCredentialModel credential = fingerprint.isEmpty() ? null // refusal() checked the format:
                : AppHashes.credentialOf(row.passwordHash(), store.componentId()).orElseThrow();
        newUsers.add(id, row, wanted, credential, fingerprint);
    }

    /** Why Keycloak cannot take this row, checked before anything is written. */
    private Optional<String> refusal(UserRow row) {
        if (store.config().emailColumn().isPresent() && row.email() == null) {
            return Optional.of("its email is empty");
        }
        if (row.passwordHash() != null && !row.passwordHash().isBlank()) {
            Optional<String> unusable = AppHashes.unusable(row.passwordHash());
            if (unusable.isPresent()) {
                return Optional.of("its password hash is malformed or of an unknown format (" + unusable.get() + ")");
            }
        }
        String id = ImportedUser.keycloakId(store.componentId(), row.id());
        if (!id.equals(claimed.getOrDefault("u:" + row.username(), id))) {
            return Optional.of("another Keycloak user has its username (ignoring case)");
        }
        if (row.email() != null && !id.equals(claimed.getOrDefault("e:" + row.email(), id))) {
            return Optional.of("another Keycloak user has its email (ignoring case)");
        }
        if (!id.equals(ownerOfUsername(row.username(), id))) {
            return Optional.of("another Keycloak user has its username (ignoring case)");
        }
        if (row.email() != null && !realm.isDuplicateEmailsAllowed() && !id.equals(ownerOfEmail(row.email(), id))) {
            return Optional.of("another Keycloak user has its email (ignoring case)");
        }
        return Optional.empty();
    }

    private String ownerOfUsername(String username, String otherwise) {
        if (known != null) {
            return known.usernames().getOrDefault(username, otherwise);
        }
        UserModel user = local.getUserByUsername(realm, username);
        return user == null ? otherwise : user.getId();
    }

    private String ownerOfEmail(String email, String otherwise) {
        if (known != null) {
            return known.emails().getOrDefault(email, otherwise);
        }
        UserModel user = local.getUserByEmail(realm, email);
        return user == null ? otherwise : user.getId();
    }

    /**
     * The imported user of a row that is still in the table but cannot be read (a blank username): kept (a sync
     * counts the row failed, and its one-time passwords, links and consents stay), and disabled until the row can
     * be read again, since Keycloak no longer knows what the row says.
     */
    void keepUnreadable(String appId) {
        UserModel user = local.getUserById(realm, ImportedUser.keycloakId(store.componentId(), appId));
        if (user != null && store.componentId().equals(user.getFederationLink()) && user.isEnabled()) {
            user.setEnabled(false);
            LOG.warnf("App user %s: its row cannot be read; its Keycloak user is kept, disabled", appId);
        }
    }

    /**
     * An imported user whose row Keycloak can no longer take (an unusable hash, a nulled email, a username another
     * user has) keeps none of what the row no longer says: it is disabled, its app roles follow the row, the fields
     * Keycloak can hold are copied, and a password whose app hash is gone or unusable stops signing in. Its username
     * and email stay as they were (the row's are what Keycloak cannot take); the next import of a usable row
     * enables it again.
     */
    private void applyWhatItCan(UserModel user, UserRow row, List<AppRole> appRoles) {
        updateProfile(user, row, false);
        grantRoles(user, appRoles, false);
        if (store.config().passwordHashColumn().isPresent()
                && (row.passwordHash() == null || AppHashes.unusable(row.passwordHash()).isPresent())) {
            String fingerprint = ImportedUser.fingerprint(row.passwordHash());
            user.credentialManager().getStoredCredentialsByTypeStream(PasswordCredentialModel.TYPE).toList()
                    .forEach(credential -> user.credentialManager().removeStoredCredentialById(credential.getId()));
            user.setSingleAttribute(ImportedUser.HASH_FINGERPRINT_ATTRIBUTE, fingerprint);
        }
    }

    private boolean update(UserModel user, UserRow row) {
        boolean changed = false;
        if (!row.username().equals(user.getUsername())) {
            user.setUsername(row.username());
            changed = true;
        }
        if (store.config().emailColumn().isPresent() && !Objects.equals(row.email(), user.getEmail())) {
            user.setEmail(row.email());
            changed = true;
        }
        return updateProfile(user, row, row.enabled()) | changed;
    }

    /** Names, enabled (as {@code enabled} says), email verified and the mapped attributes; @return whether any changed */
    private boolean updateProfile(UserModel user, UserRow row, boolean enabled) {
        boolean changed = false;
        if (store.config().firstNameColumn().isPresent() && !Objects.equals(row.firstName(), user.getFirstName())) {
            user.setFirstName(row.firstName());
            changed = true;
        }
        if (store.config().lastNameColumn().isPresent() && !Objects.equals(row.lastName(), user.getLastName())) {
            user.setLastName(row.lastName());
            changed = true;
        }
        if (enabled != user.isEnabled()) {
            user.setEnabled(enabled);
            changed = true;
        }
        if (row.emailVerified() != user.isEmailVerified()) {
            user.setEmailVerified(row.emailVerified());
            changed = true;
        }
        for (String name : store.attributeNames()) {
            String value = row.attributes().get(name);
            if (!Objects.equals(value, user.getFirstAttribute(name))) {
                if (value == null) {
                    user.removeAttribute(name);
                } else {
                    user.setSingleAttribute(name, value);
                }
                changed = true;
            }
        }
        return changed;
    }

    private boolean grantRoles(UserModel user, List<AppRole> appRoles, boolean added) {
        if (roles.isEmpty()) {
            return false;
        }
        Set<RoleModel> wanted = roles.get().rolesFor(appRoles);
        if (added) { // a new user has only the realm's default roles: nothing to read
            wanted.forEach(user::grantRole);
            return !wanted.isEmpty();
        }
        boolean changed = false;
        for (RoleModel role : user.getRoleMappingsStream().filter(this::isAppRole).toList()) {
            if (!wanted.contains(role)) {
                user.deleteRoleMapping(role);
                changed = true;
            }
        }
        for (RoleModel role : wanted) {
            if (!user.hasDirectRole(role)) {
                user.grantRole(role);
                changed = true;
            }
        }
        return changed;
    }

    private boolean isAppRole(RoleModel role) {
        KeycloakRoles container = roles.orElseThrow();
        return container.contains(role) && (container.isOwned(role)
                || appRoleNames != null && appRoleNames.contains(role.getName()));
    }

    /** A new or changed app hash becomes the user's password credential; an unchanged one is left alone. */
    private boolean updatePassword(UserModel user, UserRow row, boolean added) {
        if (store.config().passwordHashColumn().isEmpty()) {
            return false;
        }
        String fingerprint = ImportedUser.fingerprint(row.passwordHash());
        String imported = user.getFirstAttribute(ImportedUser.HASH_FINGERPRINT_ATTRIBUTE);
        if (fingerprint.equals(imported == null ? "" : imported)) {
            return false;
        }
        if (!added) {
            user.credentialManager().getStoredCredentialsByTypeStream(PasswordCredentialModel.TYPE).toList()
                    .forEach(credential -> user.credentialManager().removeStoredCredentialById(credential.getId()));
        }
        AppHashes.credentialOf(row.passwordHash(), store.componentId())
                .ifPresent(user.credentialManager()::createStoredCredential);
        user.setSingleAttribute(ImportedUser.HASH_FINGERPRINT_ATTRIBUTE, fingerprint);
        LOG.debugf("App user %s: password credential taken from the app's hash", row.id());
        return true;
    }
}
