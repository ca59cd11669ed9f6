package dev.appusers.keycloak.sync;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import dev.appusers.keycloak.jdbc.AppRole;
import dev.appusers.keycloak.jdbc.RoleRepository;
import dev.appusers.keycloak.jdbc.UserPage;
import dev.appusers.keycloak.jdbc.UserRepository;
import dev.appusers.keycloak.jdbc.UserRow;
import dev.appusers.keycloak.roles.KeycloakRoles;
import dev.appusers.keycloak.metrics.DbOperation;
import dev.appusers.keycloak.store.AppUserStore;

/**
 * Import mode ({@code importEnabled=true}) of one component in one session, as Keycloak's LDAP federation does it:
 * an app user found by a lookup is imported into Keycloak's database in the lookup's transaction, and an imported
 * user Keycloak loads is checked against its row ({@code ImportedUserValidation}): updated when the row changed,
 * removed (null) when the row is gone. In READ_ONLY mode the user comes back as a {@link ReadOnlyImportedUser}, in
 * WRITABLE mode as a {@link WritableImportedUser} that writes changes to the app's tables first.
 */
public final class ImportMode {

    private static final Logger LOG = Logger.getLogger(ImportMode.class);

    private final KeycloakSession session;
    private final AppUserStore store;

    /** @param store what the imports read, and where a WRITABLE component's imported users write */
    public ImportMode(KeycloakSession session, AppUserStore store) {
        this.session = session;
        this.store = store;
    }

    /** The Keycloak user of an app row a lookup found, imported now if needed; null when Keycloak cannot take it. */
    public UserModel imported(RealmModel realm, UserRow row) {
        UserImport importer = new UserImport(session, realm, store, null);
        if (importer.apply(row, roles(row)) == UserImport.Outcome.FAILED) {
            return null;
        }
        LOG.debugf("App user %s imported or refreshed on lookup", row.id());
        return proxy(realm, importer.existing(row));
    }

    /** @return the user brought in line with its row, or null when the row is gone (Keycloak then removes it) */
    public UserModel validate(RealmModel realm, UserModel user) {
        String appId = ImportedUser.appId(user);
        if (appId == null) {
            return proxy(realm, user);
        }
        UserRepository users = store.mapping().users();
        UserPage page = store.database().run(DbOperation.USER_LOOKUP, "checking an imported user",
                c -> users.byIds(c, List.of(appId)));
        Optional<UserRow> row = page.rows().stream().findFirst();
        if (row.isEmpty() && !page.unreadableIds().isEmpty()) { // there, but unreadable: logged when read
            new UserImport(session, realm, store, null).keepUnreadable(appId);
            return proxy(realm, user);
        }
        if (row.isEmpty()) {
            LOG.debugf("Imported user %s: its app row %s is gone; Keycloak removes it", user.getId(), appId);
            return null;
        }
        new UserImport(session, realm, store, null).apply(row.get(), roles(row.get())); // a refusal is logged
        return proxy(realm, user);
    }

    private List<AppRole> roles(UserRow row) {
        Optional<RoleRepository> roles = store.mapping().roles();
        return roles.isEmpty() ? List.of() : store.database().run(DbOperation.ROLE_READ, "reading a user's roles",
                c -> roles.get().ofUser(c, row.id()));
    }

    private UserModel proxy(RealmModel realm, UserModel user) {
        if (user == null) {
            return null;
        }
        Set<String> mapped = new HashSet<>(store.attributeNames());
        store.config().emailColumn().ifPresent(c -> mapped.add(UserModel.EMAIL));
        store.config().firstNameColumn().ifPresent(c -> mapped.add(UserModel.FIRST_NAME));
        store.config().lastNameColumn().ifPresent(c -> mapped.add(UserModel.LAST_NAME));
        store.config().enabledColumn().ifPresent(c -> mapped.add(UserModel.ENABLED));
        store.config().emailVerifiedColumn().ifPresent(c -> mapped.add(UserModel.EMAIL_VERIFIED));
        Optional<KeycloakRoles> roles = store.config().roles()
                .map(config -> KeycloakRoles.of(realm, config, store.componentId()));
        String appId = ImportedUser.appId(user);
        if (store.config().writable()) {
            return appId == null ? user : new WritableImportedUser(user, realm, appId, mapped,
                    role -> roles.isPresent() && roles.get().contains(role), store);
        }
        return new ReadOnlyImportedUser(user, mapped,
                role -> roles.isPresent() && roles.get().contains(role) && roles.get().isOwned(role));
    }
}
