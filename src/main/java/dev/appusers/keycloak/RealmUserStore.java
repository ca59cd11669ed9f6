package dev.appusers.keycloak;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.keycloak.models.ModelException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.storage.ReadOnlyException;

import dev.appusers.keycloak.jdbc.AppDatabase;
import dev.appusers.keycloak.jdbc.AppRole;
import dev.appusers.keycloak.jdbc.UserRepository;
import dev.appusers.keycloak.jdbc.MappedAttribute;
import dev.appusers.keycloak.jdbc.RoleTables;
import dev.appusers.keycloak.jdbc.UserRow;
import dev.appusers.keycloak.jdbc.UserWriter;
import dev.appusers.keycloak.roles.KeycloakRoles;
import dev.appusers.keycloak.sync.AppUserWrites;
import dev.appusers.keycloak.metrics.DbOperation;
import dev.appusers.keycloak.jdbc.Pages;

/**
 * The {@link AppUserStore} of one realm in one Keycloak session, and the {@link AppUserWrites} of its imported users
 * (WRITABLE with import).
 */
final class RealmUserStore implements AppUserStore, AppUserWrites {

    private final RealmModel realm;
    private final String componentId;
    private final ComponentMapping mapping;
    private final AppDatabase database;

    RealmUserStore(RealmModel realm, String componentId, ComponentMapping mapping, AppDatabase database) {
        this.realm = realm;
        this.componentId = componentId;
        this.mapping = mapping;
        this.database = database;
    }

    Optional<KeycloakRoles> keycloakRoles() {
        return mapping.config().roles().map(config -> KeycloakRoles.of(realm, config, componentId));
    }

    @Override
    public Set<RoleModel> appRoles(AppUserAdapter user) {
        Optional<KeycloakRoles> roles = keycloakRoles();
        if (roles.isEmpty()) {
            return Set.of();
        }
        return roles.get().rolesFor(database.run(DbOperation.ROLE_READ, "reading a user's roles",
                c -> mapping.roles().orElseThrow().ofUser(c, user.row().id())));
    }

    /** The app users who have the app role {@code role} through user_role, a page at a time. */
    Stream<UserRow> roleMembers(RoleModel role, Integer first, Integer max) {
        Optional<KeycloakRoles> roles = keycloakRoles();
        if (roles.isEmpty() || !roles.get().contains(role)) {
            return Stream.empty();
        }
        RoleTables tables = mapping.roleTables().orElseThrow();
        List<Object> roleIds = database.run(DbOperation.ROLE_READ, "finding a role",
                c -> mapping.roles().orElseThrow().idsNamed(c, role.getName()));
        if (roleIds.isEmpty()) {
            return Stream.empty();
        }
        return Pages.stream(first, max, (offset, limit) -> database.run(DbOperation.SEARCH,
                "listing the members of a role",
                c -> mapping.users().membersOf(c, tables, roleIds, offset, limit)));
    }

    @Override
    public boolean writable() {
        return mapping.config().writable();
    }

    @Override
    public UserRow write(AppUserAdapter user, String field, Object value) {
        return write(user.row().id(), field, value);
    }

    @Override
    public UserRow write(String id, String field, Object value) {
        UserWriter writer = mapping.writer();
        switch (field) {
            case UserModel.USERNAME -> run("changing a username", id, c -> writer.set(c, id, UserWriter.Field.USERNAME,
                    lower(value)));
            case UserModel.EMAIL -> run("changing an email", id, c -> writer.set(c, id, UserWriter.Field.EMAIL,
                    lower(value)));
            case UserModel.FIRST_NAME -> run("changing a first name", id,
                    c -> writer.set(c, id, UserWriter.Field.FIRST_NAME, value));
            case UserModel.LAST_NAME -> run("changing a last name", id,
                    c -> writer.set(c, id, UserWriter.Field.LAST_NAME, value));
            case UserModel.ENABLED -> run("enabling or disabling a user", id,
                    c -> writer.set(c, id, UserWriter.Field.ENABLED, value));
            case UserModel.EMAIL_VERIFIED -> run("marking an email verified", id,
                    c -> writer.set(c, id, UserWriter.Field.EMAIL_VERIFIED, value));
            default -> {
                MappedAttribute attribute = mapping.userTable().attribute(field).orElseThrow();
                try {
                    run("changing attribute " + field, id, c -> writer.setAttribute(c, id, attribute,
                            value == null ? null : value.toString()));
                } catch (IllegalArgumentException e) {
                    throw new ModelException(e.getMessage());
                }
            }
        }
        return reload(id);
    }

    /**
     * The user's current row with its app roles when roles are mapped (one statement; the roles are null
     * otherwise), for a credential check: empty while the app database is unavailable.
     */
    Optional<UserRepository.WithRoles> current(String id) {
        return database.readOrEmpty("reading a user for a credential check", c -> mapping.roleTables().isPresent()
                ? mapping.users().findByIdWithRoles(c, id, mapping.roleTables().get())
                : mapping.users().findById(c, id).map(row -> new UserRepository.WithRoles(row, null)));
    }

    /** The Keycloak roles of app roles read with a row; null for null (not read). */
    Set<RoleModel> keycloakRolesOf(List<AppRole> appRoles) {
        return appRoles == null ? null : keycloakRoles().orElseThrow().rolesFor(appRoles);
    }

    UserRow reload(String id) {
        return database.run(DbOperation.USER_LOOKUP, "reading a user back", c -> mapping.users().findById(c, id))
                .orElseThrow(() -> new ModelException("User " + id + " is no longer in the app's table"));
    }

    @Override
    public boolean grantAppRole(AppUserAdapter user, RoleModel role) {
        return grantAppRole(user.row().id(), role);
    }

    @Override
    public boolean grantAppRole(String id, RoleModel role) {
        Optional<KeycloakRoles> roles = keycloakRoles();
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
        return database.write("granting an app role", c -> mapping.writer().grantRole(c, id, role.getName()));
    }

    @Override
    public void revokeAppRole(AppUserAdapter user, RoleModel role) {
        revokeAppRole(user.row().id(), role);
    }

    @Override
    public void revokeAppRole(String id, RoleModel role) {
        if (!writable()) {
            throw new ReadOnlyException("Role " + role.getName() + " comes from the app's user_role table: remove it "
                    + "in the app (app-users provider, editMode READ_ONLY)");
        }
        run("removing an app role", id, c -> mapping.writer().revokeRole(c, id, role.getName()));
    }

    private void run(String operation, String id, VoidWork work) {
        database.write(operation, c -> {
            work.run(c);
            return null;
        });
    }

    @FunctionalInterface
    private interface VoidWork {
        void run(java.sql.Connection connection) throws java.sql.SQLException;
    }

    private static Object lower(Object value) {
        return value instanceof String text ? text.toLowerCase(java.util.Locale.ROOT) : value;
    }
}
