package dev.appusers.keycloak;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.keycloak.component.ComponentModel;
import org.keycloak.credential.CredentialInput;
import org.keycloak.credential.CredentialInputUpdater;
import org.keycloak.credential.CredentialInputValidator;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.storage.CacheableStorageProviderModel.CachePolicy;
import org.keycloak.storage.StorageId;
import org.keycloak.storage.UserStorageProvider;
import org.keycloak.storage.UserStorageProviderModel;
import org.keycloak.storage.user.ImportedUserValidation;
import org.keycloak.storage.user.UserLookupProvider;
import org.keycloak.storage.user.UserQueryProvider;
import org.keycloak.storage.user.UserRegistrationProvider;
import org.keycloak.userprofile.AttributeMetadata;
import org.keycloak.userprofile.UserProfileDecorator;
import org.keycloak.userprofile.UserProfileMetadata;

import dev.appusers.keycloak.changes.UserEviction;
import dev.appusers.keycloak.config.AppUsersConfig;
import dev.appusers.keycloak.jdbc.AppDatabase;
import dev.appusers.keycloak.jdbc.UserRow;
import dev.appusers.keycloak.metrics.AppUsersMeters;
import dev.appusers.keycloak.metrics.ComponentMeters;
import dev.appusers.keycloak.password.VerificationBusyException;
import dev.appusers.keycloak.store.AppUserStore;
import dev.appusers.keycloak.store.ComponentMapping;

/**
 * The {@code app-users} user storage provider of one Keycloak session: looks up, lists and counts the app's users
 * live, and checks their passwords against the hashes the app wrote. Users loaded in this session are kept, so one
 * request never looks up the same user twice. With {@code importEnabled} it imports them instead ({@link ImportedUsers}):
 * lookups import, and Keycloak lists, counts and checks passwords of the imported users itself.
 */
final class AppUserStorageProvider implements UserStorageProvider, UserLookupProvider, UserQueryProvider,
        CredentialInputValidator, CredentialInputUpdater, UserRegistrationProvider, UserProfileDecorator,
        ImportedUserValidation {

    private final KeycloakSession session;
    private final ComponentModel model;
    private final ComponentMappings mappings;
    private final AppPasswords passwords;
    private final Registrations registrations = new Registrations();
    private final ComponentMeters meters;
    private final SessionUsers loaded = new SessionUsers();
    private final boolean importing;
    private final ImportedUsers imports;
    private final AppUserStore store;
    private final UnknownUserLogins unknownLogins;
    private ComponentMapping mapping;

    AppUserStorageProvider(KeycloakSession session, ComponentModel model, ComponentMappings mappings,
                           AppPasswords passwords) {
        this.session = session;
        this.model = model;
        this.mappings = mappings;
        this.passwords = passwords;
        this.meters = AppUsersMeters.server().of(session, model);
        this.importing = new UserStorageProviderModel(model).isImportEnabled();
        this.store = new AppUserStore(model.getId(), this::mapping, new AppDatabase(session,
                AppUsersConfig.datasourceOf(model)).withNetworkTimeout(AppUsersConfig.queryTimeoutOf(model))
                .metered(meters));
        this.imports = new ImportedUsers(session, model, store, passwords, registrations);
        this.unknownLogins = new UnknownUserLogins(session, meters);
    }

    private ComponentMapping mapping() {
        if (mapping == null) {
            mapping = mappings.get(session, model);
        }
        return mapping;
    }

    @Override
    public UserModel getUserById(RealmModel realm, String id) {
        String appId = StorageId.externalId(id);
        UserModel user = loaded.byAppId(appId);
        if (user != null || UserEviction.cachedCopiesOnly(session)) {
            return user;
        }
        return adaptFound(realm, store.byId(appId));
    }

    @Override
    public UserModel getUserByUsername(RealmModel realm, String username) {
        UserModel known = loaded.where(u -> u.getUsername().equalsIgnoreCase(username));
        return known != null ? known : findOnce(realm, mapping().config().usernameColumn(), username,
                () -> store.byUsername(username));
    }

    @Override
    public UserModel getUserByEmail(RealmModel realm, String email) {
        UserModel known = loaded.where(u -> email.equalsIgnoreCase(u.row().email()));
        return known != null ? known : findOnce(realm, mapping().config().emailColumn().orElse(""), email,
                () -> store.byEmail(email));
    }

    /** One statement per column and value in a session: Keycloak asks by email, then by username (often one column). */
    private UserModel findOnce(RealmModel realm, String column, String value, Supplier<Optional<UserRow>> query) {
        Optional<UserRow> row = loaded.isMissing(column, value) ? Optional.empty() : query.get();
        if (row.isEmpty()) {
            loaded.rememberMissing(column, value);
        }
        return unknownLogins.unlessUnknown(adaptFound(realm, row), () -> mapping().unknownUserCost());
    }

    @Override
    public Stream<UserModel> searchForUserStream(RealmModel realm, Map<String, String> params, Integer first,
                                                 Integer max) {
        if (importing) {
            return Stream.empty(); // imported users are Keycloak's own: it lists them itself
        }
        return store.search(params, first, max).map(row -> adapt(realm, row));
    }

    @Override
    public int getUsersCount(RealmModel realm, Map<String, String> params) {
        if (importing) {
            return 0;
        }
        boolean live = new UserStorageProviderModel(model).getCachePolicy() == CachePolicy.NO_CACHE;
        return store.count(params, !live);
    }

    @Override
    public int getUsersCount(RealmModel realm, boolean includeServiceAccount) {
        return getUsersCount(realm, Map.of());
    }

    @Override
    public int getUsersCount(RealmModel realm, String search) {
        return getUsersCount(realm, Map.of(UserModel.SEARCH, search));
    }

    @Override
    public Stream<UserModel> getGroupMembersStream(RealmModel realm, GroupModel group, Integer first, Integer max) {
        return Stream.empty(); // group memberships of federated users live in Keycloak's federated storage
    }

    @Override
    public Stream<UserModel> getRoleMembersStream(RealmModel realm, RoleModel role, Integer first, Integer max) {
        return importing ? Stream.empty() : store.roleMembers(realm, role, first, max).map(row -> adapt(realm, row));
    }

    @Override
    public Stream<UserModel> searchForUserByUserAttributeStream(RealmModel realm, String name, String value) {
        return searchForUserStream(realm, Map.of(name, value, UserModel.EXACT, "true"), null, null);
    }

    @Override
    public boolean supportsCredentialType(String credentialType) {
        return PasswordCredentialModel.TYPE.equals(credentialType);
    }

    @Override
    public boolean isConfiguredFor(RealmModel realm, UserModel user, String credentialType) {
        AppUserAdapter current = !importing && supportsCredentialType(credentialType) ? current(realm, user) : null;
        return current != null && current.row().passwordHash() != null && !current.row().passwordHash().isBlank();
    }

    @Override
    public boolean isValid(RealmModel realm, UserModel user, CredentialInput input) {
        if (!supportsCredentialType(input.getType())) {
            return false;
        }
        if (importing) { // Keycloak checks its credential itself, after this component checked an app hash in it
            Boolean matched = new ImportedPasswords(session, model, passwords, meters).check(user, input);
            imports.upgradeHash(user, input.getChallengeResponse(), matched, meters); // an old app hash rewritten
            return false;
        }
        AppUserAdapter current = current(realm, user);
        boolean disabledSince = CachedCopy.evictIfStale(session, realm, user, current, mapping().mapped(),
                store.keycloakRoles(realm));
        try {
            if (current == null
                    || !passwords.verify(current.row(), input.getChallengeResponse(), mapping(), meters)) {
                return false;
            }
        } catch (VerificationBusyException e) {
            throw SignInBusy.answer(session);
        }
        HashUpgrades.afterMatch(current.row().id(), current.row().passwordHash(), input.getChallengeResponse(),
                mapping(), store.database());
        return !disabledSince || AccountDisabled.answer(user);
    }

    @Override
    public boolean updateCredential(RealmModel realm, UserModel user, CredentialInput input) {
        if (!supportsCredentialType(input.getType())) {
            return false;
        }
        if (!mapping().config().writable() || !mapping().userTable().mapsPasswordHash()) {
            throw CredentialRefusal.passwordChange(mapping().config().writable());
        }
        if (importing) {
            return imports.updatePassword(realm, user, input);
        }
        AppUserAdapter appUser = (AppUserAdapter) getUserById(realm, user.getId());
        passwords.write(session, realm, appUser, appUser.row().id(), input.getChallengeResponse(), mapping(),
                store.database(), registrations.hashing());
        appUser.replaceRow(store.reload(appUser.row().id()));
        return true;
    }

    @Override
    public UserModel addUser(RealmModel realm, String username) {
        if (!mapping().config().writable() || !mapping().config().write().syncRegistrations()) {
            return null; // Keycloak keeps the new user itself, as with LDAP's syncRegistrations off
        }
        if (importing) {
            return imports.add(realm, username);
        }
        String id = registrations.insert(session, realm, username, mapping(), store.database());
        mapping().total().forget();
        AppUserAdapter user = adapt(realm, store.reload(id));
        Registrations.requireDefaultActions(realm, user);
        return user;
    }

    @Override
    public boolean removeUser(RealmModel realm, UserModel user) {
        if (importing) {
            return imports.remove(realm, user);
        }
        String appId = StorageId.externalId(user.getId());
        loaded.forget(appId);
        return registrations.delete(user, appId, model.getName(), mapping(), store.database());
    }

    @Override
    public void disableCredentialType(RealmModel realm, UserModel user, String credentialType) {
        if (supportsCredentialType(credentialType)) {
            throw CredentialRefusal.of(mapping().config().writable()
                    ? "The password of this user is the hash in the app's table (editMode WRITABLE): reset it instead"
                    : "The password of this user is managed by the app (editMode READ_ONLY): change it in the app");
        }
    }

    @Override
    public Stream<String> getDisableableCredentialTypesStream(RealmModel realm, UserModel user) {
        return Stream.empty();
    }

    @Override
    public List<AttributeMetadata> decorateUserProfile(String providerId, UserProfileMetadata metadata) {
        return AppUserProfile.decorate(metadata, model, mapping().mapped(), mapping().config().writable());
    }

    @Override
    public UserModel validate(RealmModel realm, UserModel local) {
        if (UserEviction.cachedCopiesOnly(session)) {
            return local; // loaded by an eviction, which evicts it at once: no app read, no import
        }
        return imports.validate(realm, local);
    }

    @Override
    public void close() {
        registrations.close();
    }

    /** The app user behind a user Keycloak may have cached, as its row (and roles: one statement) is now; null when
     * gone or while the app database is unavailable (Keycloak does not expect credential checks to throw). */
    private AppUserAdapter current(RealmModel realm, UserModel user) {
        String appId = StorageId.externalId(user.getId());
        AppUserAdapter known = user instanceof AppUserAdapter adapter ? adapter : loaded.byAppId(appId);
        if (known != null) {
            return known;
        }
        return store.current(appId).map(found -> adapt(realm, found.row())
                .withAppRoles(store.keycloakRolesOf(realm, found.roles()))).orElse(null);
    }

    private UserModel adaptFound(RealmModel realm, Optional<UserRow> row) {
        if (importing) {
            return row.map(r -> imports.found(realm, r)).orElse(null);
        }
        return row.map(r -> (UserModel) adapt(realm, r)).orElse(null);
    }

    private AppUserAdapter adapt(RealmModel realm, UserRow row) {
        AppUserAdapter user = new AppUserAdapter(session, realm, model, row, mapping().mapped(), store);
        loaded.remember(user);
        return user;
    }
}
