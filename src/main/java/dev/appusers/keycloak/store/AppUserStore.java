package dev.appusers.keycloak.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.storage.ReadOnlyException;

import dev.appusers.keycloak.config.AppUsersConfig;
import dev.appusers.keycloak.jdbc.AppDatabase;
import dev.appusers.keycloak.jdbc.AppRole;
import dev.appusers.keycloak.jdbc.MappedAttribute;
import dev.appusers.keycloak.jdbc.Pages;
import dev.appusers.keycloak.jdbc.RoleTables;
import dev.appusers.keycloak.jdbc.UserFilter;
import dev.appusers.keycloak.jdbc.UserRepository;
import dev.appusers.keycloak.jdbc.UserRow;
import dev.appusers.keycloak.jdbc.UserWriter;
import dev.appusers.keycloak.metrics.AppUsersMeters;
import dev.appusers.keycloak.metrics.DbOperation;
import dev.appusers.keycloak.roles.KeycloakRoles;

/**
 * The app's users of one component in one Keycloak session: what the provider, its adapters, import and sync read
 * from and write to the app's tables, through the component's {@link ComponentMapping} (its repositories and writer)
 * on its {@link AppDatabase}. Rows come back as {@link UserRow}s for the caller to wrap. In WRITABLE mode a refused
 * write throws ({@link org.keycloak.models.ModelDuplicateException} for a unique constraint, {@link ModelException}
 * otherwise) before Keycloak's copy changes.
 *
 * <p>The provider's mapping is resolved when first asked for: a lookup by id resolves it inside its read, so that an
 * app database down at the first lookup is answered as any unavailable read is ({@link AppDatabase#lookup}).
 */
public final class AppUserStore {

    private final String componentId;
    private final Supplier<ComponentMapping> mapping;
    private final AppDatabase database;
    private List<String> attributeNames;

    public AppUserStore(String componentId, Supplier<ComponentMapping> mapping, AppDatabase database) {
        this.componentId = componentId;
        this.mapping = mapping;
        this.database = database;
    }

    /**
     * The store of a sync's session: its database calls go to the component's meters once the component has them
     * (its provider or sync created them).
     */
    public static AppUserStore of(KeycloakSession session, String componentId, ComponentMapping mapping) {
        AppUsersConfig config = mapping.config();
        return new AppUserStore(componentId, () -> mapping, new AppDatabase(session, config.datasource())
                .withNetworkTimeout(config.queryTimeoutSeconds())
                .metered(AppUsersMeters.server().existing(componentId)));
    }

    public String componentId() {
        return componentId;
    }

    public ComponentMapping mapping() {
        return mapping.get();
    }

    public AppUsersConfig config() {
        return mapping().config();
    }

    public AppDatabase database() {
        return database;
    }

    /** The names of the mapped attributes, in the order of {@code userAttributeColumns}. */
    public List<String> attributeNames() {
        if (attributeNames == null) {
            attributeNames = mapping().mapped().attributes().keySet().stream().toList();
        }
        return attributeNames;
    }

    public boolean writable() {
        return config().writable();
    }

    /** The user by id; empty as well where Keycloak cannot skip an unavailable store ({@link AppDatabase#lookup}). */
    public Optional<UserRow> byId(String id) {
        return database.lookup("looking up a user by id", c -> mapping().users().findById(c, id), Optional.empty());
    }

    public Optional<UserRow> byUsername(String username) {
        UserRepository users = mapping().users();
        return database.lookup("looking up a user by username", c -> users.findByUsername(c, username),
                Optional.empty());
    }

    public Optional<UserRow> byEmail(String email) {
        UserRepository users = mapping().users();
        return database.lookup("looking up a user by email", c -> users.findByEmail(c, email), Optional.empty());
    }

    /** The users Keycloak's search parameters select, a page at a time ({@link Pages}). */
    public Stream<UserRow> search(Map<String, String> params, Integer first, Integer max) {
        ComponentMapping current = mapping();
        UserFilter filter = UserFilter.of(current.userTable(), params);
        return Pages.stream(first, max, (offset, limit) -> database.run(DbOperation.SEARCH, "searching users",
                c -> current.users().search(c, filter, offset, limit)));
    }

    /**
     * The number of users Keycloak's search parameters select.
     *
     * @param reuseTotal whether the number of all users may be a recent count
     *     ({@link dev.appusers.keycloak.jdbc.UserTotal})
     */
    public int count(Map<String, String> params, boolean reuseTotal) {
        ComponentMapping current = mapping();
        UserFilter filter = UserFilter.of(current.userTable(), params);
        IntSupplier count = () -> database.run(DbOperation.COUNT, "counting users",
                c -> current.users().count(c, filter));
        return filter.isEverything() && reuseTotal ? current.total().get(count) : count.getAsInt();
    }

    /**
     * The user's current row with its app roles when roles are mapped (one statement; the roles are null
     * otherwise), for a credential check: empty while the app database is unavailable.
     */
    public Optional<UserRepository.WithRoles> current(String id) {
        ComponentMapping current = mapping();
        return database.readOrEmpty("reading a user for a credential check", c -> current.roleTables().isPresent()
                ? current.users().findByIdWithRoles(c, id, current.roleTables().get())
                : current.users().findById(c, id).map(row -> new UserRepository.WithRoles(row, null)));
    }

    public UserRow reload(String id) {
        UserRepository users = mapping().users();
        return database.run(DbOperation.USER_LOOKUP, "reading a user back", c -> users.findById(c, id))
                .orElseThrow(() -> new ModelException("User " + id + " is no longer in the app's table"));
    }

    /** The Keycloak roles the app's roles are in {@code realm}; empty when roles are not mapped. */
    public Optional<KeycloakRoles> keycloakRoles(RealmModel realm) {
        return config().roles().map(config -> KeycloakRoles.of(realm, config, componentId));
    }

    /** The Keycloak roles of app roles read with a row; null for null (not read). */
    public Set<RoleModel> keycloakRolesOf(RealmModel realm, List<AppRole> appRoles) {
        return appRoles == null ? null : keycloakRoles(realm).orElseThrow().rolesFor(appRoles);
    }

    /** The Keycloak roles the user {@code id} has through the app's user_role table. */
    public Set<RoleModel> appRoles(RealmModel realm, String id) {
        Optional<KeycloakRoles> roles = keycloakRoles(realm);
        if (roles.isEmpty()) {
            return Set.of();
        }
        return roles.get().rolesFor(database.run(DbOperation.ROLE_READ, "reading a user's roles",
                c -> mapping().roles().orElseThrow().ofUser(c, id)));
    }

    /** The app users who have the app role {@code role} through user_role, a page at a time. */
    public Stream<UserRow> roleMembers(RealmModel realm, RoleModel role, Integer first, Integer max) {
        Optional<KeycloakRoles> roles = keycloakRoles(realm);
        if (roles.isEmpty() || !roles.get().contains(role)) {
            return Stream.empty();
        }
        ComponentMapping current = mapping();
        RoleTables tables = current.roleTables().orElseThrow();
        List<Object> roleIds = database.run(DbOperation.ROLE_READ, "finding a role",
                c -> current.roles().orElseThrow().idsNamed(c, role.getName()));
        if (roleIds.isEmpty()) {
            return Stream.empty();
        }
        return Pages.stream(first, max, (offset, limit) -> database.run(DbOperation.SEARCH,
                "listing the members of a role",
                c -> current.users().membersOf(c, tables, roleIds, offset, limit)));
    }

    /**
     * Writes a mapped field ({@code username}, {@code email}, {@code firstName}, {@code lastName}, {@code enabled},
     * {@code emailVerified} or a mapped attribute) of the app user {@code id}.
     *
     * @return the row as the app's table now holds it (one column may stand for two fields: Litestar-Users' email is
     *     the username too)
     */
    public UserRow write(String id, String field, Object value) {
        UserWriter writer = mapping().writer();
        switch (field) {
            case UserModel.USERNAME -> run("changing a username", c -> writer.set(c, id, UserWriter.Field.USERNAME,
                    lower(value)));
            case UserModel.EMAIL -> run("changing an email", c -> writer.set(c, id, UserWriter.Field.EMAIL,
                    lower(value)));
            case UserModel.FIRST_NAME -> run("changing a first name",
                    c -> writer.set(c, id, UserWriter.Field.FIRST_NAME, value));
            case UserModel.LAST_NAME -> run("changing a last name",
                    c -> writer.set(c, id, UserWriter.Field.LAST_NAME, value));
            case UserModel.ENABLED -> run("enabling or disabling a user",
                    c -> writer.set(c, id, UserWriter.Field.ENABLED, value));
            case UserModel.EMAIL_VERIFIED -> run("marking an email verified",
                    c -> writer.set(c, id, UserWriter.Field.EMAIL_VERIFIED, value));
            default -> {
                MappedAttribute attribute = mapping().userTable().attribute(field).orElseThrow();
                try {
                    run("changing attribute " + field, c -> writer.setAttribute(c, id, attribute,
                            value == null ? null : value.toString()));
                } catch (IllegalArgumentException e) {
                    throw new ModelException(e.getMessage());
                }
            }
        }
        return reload(id);
    }

    /**
     * Grants an app role through the app's user_role table.
     *
     * @return false when the role is not one of the app's (Keycloak stores the grant itself)
     * @throws ReadOnlyException for an app role in READ_ONLY mode
     */
    public boolean grantAppRole(RealmModel realm, String id, RoleModel role) {
        Optional<KeycloakRoles> roles = keycloakRoles(realm);
        if (roles.isEmpty() || !roles.get().contains(role)) {
            return false;
        }
        if (!writable()) {
            if (roles.get().isOwned(role)) {
                throw new ReadOnlyException("Role " + role.getName() + " comes from the app's user_role table: grant "
                        + "it in the app (app-users provider, editMode READ_ONLY)");
            }
            return false;
        }
        return database.write("granting an app role", c -> mapping().writer().grantRole(c, id, role.getName()));
    }

    /** Removes an app role the user has through user_role. @throws ReadOnlyException in READ_ONLY mode */
    public void revokeAppRole(String id, RoleModel role) {
        if (!writable()) {
            throw new ReadOnlyException("Role " + role.getName() + " comes from the app's user_role table: remove it "
                    + "in the app (app-users provider, editMode READ_ONLY)");
        }
        run("removing an app role", c -> mapping().writer().revokeRole(c, id, role.getName()));
    }

    private void run(String operation, VoidWork work) {
        database.write(operation, c -> {
            work.run(c);
            return null;
        });
    }

    @FunctionalInterface
    private interface VoidWork {
        void run(Connection connection) throws SQLException;
    }

    private static Object lower(Object value) {
        return value instanceof String text ? text.toLowerCase(Locale.ROOT) : value;
    }
}
