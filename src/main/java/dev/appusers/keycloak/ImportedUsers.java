package dev.appusers.keycloak;

import java.util.Optional;

import org.jboss.logging.Logger;
import org.keycloak.component.ComponentModel;
import org.keycloak.credential.CredentialInput;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import dev.appusers.keycloak.jdbc.UserRow;
import dev.appusers.keycloak.metrics.ComponentMeters;
import dev.appusers.keycloak.password.VerificationBusyException;
import dev.appusers.keycloak.store.AppUserStore;
import dev.appusers.keycloak.store.ComponentMapping;
import dev.appusers.keycloak.sync.ImportMode;
import dev.appusers.keycloak.sync.ImportedUser;

/**
 * The provider's side of import mode ({@code importEnabled}): its users are Keycloak's own, linked to the component
 * ({@link ImportMode}). In WRITABLE mode, as Keycloak's LDAP federation with import: a user created in Keycloak is
 * inserted into the app's table and imported, a deleted one is deleted there (with {@code deleteEnabled}), and a new
 * password is hashed into the app's row while Keycloak keeps its own hash of it as the local credential. In READ_ONLY
 * mode deleting a user deletes only Keycloak's copy (a later lookup or sync imports it again).
 */
final class ImportedUsers {

    private static final Logger LOG = Logger.getLogger(ImportedUsers.class);

    private final KeycloakSession session;
    private final ComponentModel model;
    private final AppUserStore store;
    private final ImportMode mode;
    private final AppPasswords passwords;
    private final Registrations registrations;

    ImportedUsers(KeycloakSession session, ComponentModel model, AppUserStore store, AppPasswords passwords,
                  Registrations registrations) {
        this.session = session;
        this.model = model;
        this.store = store;
        this.mode = new ImportMode(session, store);
        this.passwords = passwords;
        this.registrations = registrations;
    }

    /** The Keycloak user of an app row a lookup found, imported now if needed; null when Keycloak cannot take it. */
    UserModel found(RealmModel realm, UserRow row) {
        return mode.imported(realm, row);
    }

    UserModel validate(RealmModel realm, UserModel local) {
        return mode.validate(realm, local);
    }

    /** A user created in Keycloak (WRITABLE with syncRegistrations): inserted into the app's table, then imported. */
    UserModel add(RealmModel realm, String username) {
        String id = registrations.insert(session, realm, username, store.mapping(), store.database());
        UserModel user = found(realm, store.reload(id));
        if (user == null) {
            throw new ModelException("The new user was written to the app's table but Keycloak cannot import it "
                    + "(app-users provider " + model.getName() + "): see the server log for app user " + id);
        }
        Registrations.requireDefaultActions(realm, user);
        LOG.debugf("App user %s created in Keycloak and imported as %s", id, user.getId());
        return user;
    }

    /** @return whether Keycloak may delete its copy: always in READ_ONLY mode, in WRITABLE once the row is gone */
    boolean remove(RealmModel realm, UserModel user) {
        String appId = ImportedUser.appId(user);
        if (!store.mapping().config().writable() || appId == null) {
            return true;
        }
        return registrations.delete(user, appId, model.getName(), store.mapping(), store.database());
    }

    /**
     * Writes the hash of a new password to the app's row and records its fingerprint, so the next import keeps
     * Keycloak's credential; returns false so that Keycloak then stores its own hash of the password as the imported
     * user's credential (its password policy and history apply as to any local user).
     */
    boolean updatePassword(RealmModel realm, UserModel user, CredentialInput input) {
        String appId = ImportedUser.appId(user);
        if (appId == null) {
            return false;
        }
        String hash = passwords.write(session, realm, user, appId, input.getChallengeResponse(), store.mapping(),
                store.database(), registrations.hashing());
        ImportedUser.rememberAppHash(user, hash);
        ImportedUser.markCurrent(user, store.mapping().hashing().form());
        return false;
    }

    /**
     * Before Keycloak checks an imported WRITABLE user's password against its own credential: rewrites the app's hash
     * in the configured form if it is older and {@code password} matches it ({@link HashUpgrades}), and keeps
     * Keycloak's fingerprint of the app hash on the new hash, so the next import leaves Keycloak's credential alone.
     * A user whose app hash was found or made current is marked so for that hash and form, so later sign-ins read
     * nothing from the app database; the mark is checked again when the app's hash or the configured form changes.
     *
     * @param matched whether {@code password} matched the app hash in Keycloak's credential, when that was checked in
     *     this request ({@link ImportedPasswords}): the app row holding that very hash is then not checked again
     */
    void upgradeHash(UserModel user, String password, Boolean matched, ComponentMeters meters) {
        ComponentMapping current = store.mapping();
        String appId = ImportedUser.appId(user);
        String form = current.hashing().form();
        if (!HashUpgrades.enabled(current) || password == null || appId == null
                || !ImportedUser.hasAppHash(user) || ImportedUser.isMarkedCurrent(user, form)) {
            return;
        }
        Optional<UserRow> row = store.database().readOrEmpty("reading an app user's password hash",
                c -> current.users().findById(c, appId));
        if (row.isEmpty() || !ImportedUser.standsFor(user, row.get().passwordHash())) {
            return; // Keycloak's copy is behind the app's row: the next import brings it in line first
        }
        if (current.hashing().isCurrent(row.get().passwordHash())) {
            ImportedUser.markCurrent(user, form);
            return;
        }
        if (matched != null) { // Keycloak's credential holds the row's very hash (standsFor): checked already
            if (!matched) {
                return;
            }
        } else {
            try {
                if (!passwords.verify(row.get(), password, current, meters)) {
                    return;
                }
            } catch (VerificationBusyException e) {
                return; // logged by the check; Keycloak's own check answers the sign-in, the next one tries again
            }
        }
        HashUpgrades.afterMatch(appId, row.get().passwordHash(), password, current, store.database())
                .ifPresent(hash -> {
                    ImportedUser.rememberAppHash(user, hash);
                    ImportedUser.markCurrent(user, form);
                });
    }
}
