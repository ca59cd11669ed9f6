package dev.appusers.keycloak.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import dev.appusers.keycloak.config.AppUsersConfig;
import dev.appusers.keycloak.config.ConfigKeys;
import dev.appusers.keycloak.config.RolesConfig;

/** The app's role and user-role tables as the configuration maps them, resolved against the live database. */
public final class RoleTables {

    final String roleTable;
    final String roleId;
    final String roleName;
    final String roleDescription;
    final String userRoleTable;
    final String userRoleUser;
    final IdCodec userRoleUserCodec;
    final String userRoleRole;
    final List<MappedAttribute> attributes;
    /** The user-role table's own id column that a new row must be given (Advanced Alchemy's UUID), or null. */
    final String userRoleId;
    final IdCodec userRoleIdCodec;

    private RoleTables(RolesConfig config, DbTable role, DbTable userRole) {
        roleTable = role.qualifiedName();
        roleId = role.quoted(role.column(ConfigKeys.ROLE_ID_COLUMN, config.roleIdColumn()));
        roleName = role.quoted(role.column(ConfigKeys.ROLE_NAME_COLUMN, config.roleNameColumn()));
        roleDescription = config.description()
                .map(name -> role.quoted(role.column(ConfigKeys.ROLE_DESCRIPTION_COLUMN, name))).orElse(null);
        userRoleTable = userRole.qualifiedName();
        DbColumn user = userRole.column(ConfigKeys.USER_ROLE_USER_COLUMN, config.userRoleUserColumn());
        userRoleUser = userRole.quoted(user);
        userRoleUserCodec = IdCodec.forColumn(ConfigKeys.USER_ROLE_USER_COLUMN, user);
        userRoleRole = userRole.quoted(userRole.column(ConfigKeys.USER_ROLE_ROLE_COLUMN, config.userRoleRoleColumn()));
        attributes = AttributeColumns.resolve(ConfigKeys.ROLE_ATTRIBUTE_COLUMNS, role, config.attributeColumns(),
                AttributeColumns.lower(role.column(ConfigKeys.ROLE_ID_COLUMN, config.roleIdColumn()).name(),
                        role.column(ConfigKeys.ROLE_NAME_COLUMN, config.roleNameColumn()).name(),
                        config.description().map(d -> role.column(ConfigKeys.ROLE_DESCRIPTION_COLUMN, d).name())
                                .orElse(null)), null);
        DbColumn ownId = userRole.primaryKey().size() == 1 ? userRole.column(ConfigKeys.USER_ROLE_TABLE,
                userRole.primaryKey().get(0)) : null;
        IdCodec ownIdCodec = null;
        if (ownId != null && !ownId.hasDefault() && !userRole.quoted(ownId).equals(userRoleUser)
                && !userRole.quoted(ownId).equals(userRoleRole)) {
            try {
                ownIdCodec = IdCodec.forColumn(ConfigKeys.USER_ROLE_TABLE, ownId);
            } catch (SchemaException e) {
                // not a UUID column: the database must fill it (WRITABLE grants fail with its message otherwise)
            }
        }
        if (ownIdCodec != null) {
            userRoleId = userRole.quoted(ownId);
            userRoleIdCodec = ownIdCodec;
        } else {
            userRoleId = null;
            userRoleIdCodec = null;
        }
    }

    /** @throws SchemaException naming what is missing and what exists instead */
    public static RoleTables resolve(Connection connection, AppUsersConfig config, RolesConfig roles) throws SQLException {
        SchemaReader reader = SchemaReader.open(connection, config.dbSchema());
        return new RoleTables(roles, reader.table(ConfigKeys.ROLE_TABLE, roles.roleTable()),
                reader.table(ConfigKeys.USER_ROLE_TABLE, roles.userRoleTable()));
    }

    /** The ids of the roles whose name is the one parameter. */
    String idsByName() {
        return "SELECT " + roleId + " FROM " + roleTable + " WHERE " + roleName + " = ?";
    }

    /** {@code user_role JOIN role}, aliased {@code ur} and {@code r}. */
    String join() {
        return userRoleTable + " ur JOIN " + roleTable + " r ON r." + roleId + " = ur." + userRoleRole;
    }
}
