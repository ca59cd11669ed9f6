package dev.appusers.keycloak.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes Keycloak's changes to the app's user and user-role tables (WRITABLE mode), on the connection of Keycloak's
 * transaction: a failure anywhere rolls back both sides. Every value is bound; ids are written in the columns' own
 * formats.
 */
public final class UserWriter {

    /** A user field that maps to a column. */
    public enum Field { USERNAME, EMAIL, FIRST_NAME, LAST_NAME, ENABLED, EMAIL_VERIFIED, PASSWORD_HASH }

    private final UserTable table;
    private final RoleTables roles;
    private final int queryTimeoutSeconds;

    public UserWriter(UserTable table, RoleTables roles, int queryTimeoutSeconds) {
        this.table = table;
        this.roles = roles;
        this.queryTimeoutSeconds = queryTimeoutSeconds;
    }

    public void set(Connection connection, String id, Field field, Object value) throws SQLException {
        String column = switch (field) {
            case USERNAME -> table.username;
            case EMAIL -> table.email;
            case FIRST_NAME -> table.firstName;
            case LAST_NAME -> table.lastName;
            case ENABLED -> table.enabled;
            case EMAIL_VERIFIED -> table.emailVerified;
            case PASSWORD_HASH -> table.passwordHash;
        };
        if (column == null) {
            throw new IllegalStateException(field + " is not mapped to a column");
        }
        update(connection, id, column, value);
    }

    /**
     * Replaces the user's password hash with {@code newHash} only while it is still exactly {@code verifiedHash} (the
     * hash a sign-in just verified): a password the app changed in between is never overwritten.
     *
     * @return 1 when the hash was replaced, 0 when the row or its hash changed meanwhile
     */
    public int replacePasswordHash(Connection connection, String id, String verifiedHash, String newHash)
            throws SQLException {
        if (table.passwordHash == null) {
            throw new IllegalStateException("PASSWORD_HASH is not mapped to a column");
        }
        try (PreparedStatement statement = prepare(connection, "UPDATE " + table.table + " SET " + table.passwordHash
                + " = ? WHERE " + table.idCodec.matches(table.id) + " AND " + table.passwordHash + " = ?")) {
            statement.setString(1, newHash);
            int index = table.idCodec.bind(statement, 2, UUID.fromString(id));
            statement.setString(index, verifiedHash);
            return statement.executeUpdate();
        }
    }

    /** @throws IllegalArgumentException naming the attribute and the type its column expects */
    public void setAttribute(Connection connection, String id, MappedAttribute attribute, String value)
            throws SQLException {
        update(connection, id, attribute.column(), value == null ? null : attribute.parse(value));
    }

    /**
     * Inserts a user with a new UUID id; columns nothing else fills take {@code insertDefaults}.
     *
     * @return the new row's canonical id
     * @throws SchemaException naming NOT NULL columns without a value
     */
    public String insert(Connection connection, String username, String passwordHash) throws SQLException {
        table.checkInsertable();
        UUID id = UUID.randomUUID();
        List<String> columns = new ArrayList<>(List.of(table.id, table.username));
        List<Object> values = new ArrayList<>(List.of(table.idCodec.toDatabase(id), username));
        if (table.email != null && !table.email.equals(table.username)) {
            columns.add(table.email);
            values.add(username.contains("@") ? username : null);
        }
        addIfMapped(columns, values, table.passwordHash, passwordHash);
        addIfMapped(columns, values, table.enabled, Boolean.TRUE);
        addIfMapped(columns, values, table.emailVerified, Boolean.FALSE);
        for (Map.Entry<String, Object> entry : table.insertDefaults.entrySet()) {
            if (!columns.contains(entry.getKey())) {
                columns.add(entry.getKey());
                values.add(entry.getValue());
            }
        }
        String sql = "INSERT INTO " + table.table + " (" + String.join(", ", columns) + ") VALUES ("
                + String.join(", ", columns.stream().map(c -> "?").toList()) + ")";
        try (PreparedStatement statement = prepare(connection, sql)) {
            for (int i = 0; i < values.size(); i++) {
                statement.setObject(i + 1, values.get(i));
            }
            statement.executeUpdate();
        }
        return id.toString();
    }

    /** Deletes the user's user-role rows, then the user. */
    public void delete(Connection connection, String id) throws SQLException {
        UUID uuid = UUID.fromString(id);
        if (roles != null) {
            try (PreparedStatement statement = prepare(connection, "DELETE FROM " + roles.userRoleTable + " WHERE "
                    + roles.userRoleUserCodec.matches(roles.userRoleUser))) {
                roles.userRoleUserCodec.bind(statement, 1, uuid);
                statement.executeUpdate();
            }
        }
        try (PreparedStatement statement = prepare(connection, "DELETE FROM " + table.table + " WHERE "
                + table.idCodec.matches(table.id))) {
            table.idCodec.bind(statement, 1, uuid);
            statement.executeUpdate();
        }
    }

    /**
     * Grants the app role of that name, unless the user has it already; false when the app has no such role.
     *
     * <p>Grants to one user are serialised by a lock on the user's row. When the user-role table has an id column of
     * its own, the row is inserted first and a locking read then tells whether an earlier grant had already written
     * one (then the new row is deleted again): a locking read before the insert would take InnoDB gap locks on
     * MariaDB/MySQL that two grants to different users can hold at once, and each one's insert then waits for the
     * other's gap: a deadlock.
     */
    public boolean grantRole(Connection connection, String id, String roleName) throws SQLException {
        UUID uuid = UUID.fromString(id);
        lockUser(connection, uuid);
        if (roles.userRoleId == null) {
            return insertRoleUnlessGranted(connection, uuid, roleName);
        }
        Object roleId = roleId(connection, roleName);
        if (roleId == null) {
            return false;
        }
        Object rowId = roles.userRoleIdCodec.toDatabase(UUID.randomUUID());
        try (PreparedStatement statement = prepare(connection, "INSERT INTO " + roles.userRoleTable + " ("
                + roles.userRoleId + ", " + roles.userRoleUser + ", " + roles.userRoleRole + ") VALUES (?, ?, ?)")) {
            statement.setObject(1, rowId);
            statement.setObject(2, roles.userRoleUserCodec.toDatabase(uuid));
            statement.setObject(3, roleId);
            statement.executeUpdate();
        }
        if (grants(connection, uuid, roleId) > 1) {
            try (PreparedStatement statement = prepare(connection, "DELETE FROM " + roles.userRoleTable + " WHERE "
                    + roles.userRoleId + " = ?")) {
                statement.setObject(1, rowId);
                statement.executeUpdate();
            }
        }
        return true;
    }

    /** The user-role table without an id of its own (the database fills it): one insert that checks first. */
    private boolean insertRoleUnlessGranted(Connection connection, UUID uuid, String roleName) throws SQLException {
        String sql = "INSERT INTO " + roles.userRoleTable + " (" + roles.userRoleUser + ", " + roles.userRoleRole
                + ") SELECT ?, r." + roles.roleId + " FROM " + roles.roleTable + " r WHERE r."
                + roles.roleName + " = ? AND NOT EXISTS (SELECT 1 FROM " + roles.userRoleTable + " ur WHERE "
                + roles.userRoleUserCodec.matches("ur." + roles.userRoleUser) + " AND ur." + roles.userRoleRole
                + " = r." + roles.roleId + ")";
        try (PreparedStatement statement = prepare(connection, sql)) {
            statement.setObject(1, roles.userRoleUserCodec.toDatabase(uuid));
            statement.setString(2, roleName);
            roles.userRoleUserCodec.bind(statement, 3, uuid);
            statement.executeUpdate();
        }
        return roleId(connection, roleName) != null;
    }

    /** The app role's id as the database returns it, or null when the app has no role of that name. */
    private Object roleId(Connection connection, String roleName) throws SQLException {
        try (PreparedStatement statement = prepare(connection, roles.idsByName())) {
            statement.setString(1, roleName);
            try (var rs = statement.executeQuery()) {
                return rs.next() ? rs.getObject(1) : null;
            }
        }
    }

    /**
     * How many user-role rows link the user to the role, committed ones included: a locking read sees the latest
     * rows on MariaDB/MySQL too, where a plain read in REPEATABLE READ sees the transaction's first snapshot. It selects
     * by user only, so InnoDB locks this user's rows through the user column's index; with the role in the condition
     * it may pick the role column's index and lock every user's rows of that role, which deadlocks grants to others.
     */
    private int grants(Connection connection, UUID id, Object roleId) throws SQLException {
        try (PreparedStatement statement = prepare(connection, "SELECT " + roles.userRoleRole + " FROM "
                + roles.userRoleTable + " WHERE " + roles.userRoleUserCodec.matches(roles.userRoleUser)
                + " FOR UPDATE")) {
            roles.userRoleUserCodec.bind(statement, 1, id);
            int count = 0;
            try (var rs = statement.executeQuery()) {
                while (rs.next()) {
                    if (java.util.Objects.deepEquals(rs.getObject(1), roleId)) {
                        count++;
                    }
                }
            }
            return count;
        }
    }

    public void revokeRole(Connection connection, String id, String roleName) throws SQLException {
        UUID uuid = UUID.fromString(id);
        String sql = "DELETE FROM " + roles.userRoleTable + " WHERE " + roles.userRoleUserCodec.matches(roles.userRoleUser)
                + " AND " + roles.userRoleRole + " IN (SELECT r." + roles.roleId + " FROM " + roles.roleTable
                + " r WHERE r." + roles.roleName + " = ?)";
        try (PreparedStatement statement = prepare(connection, sql)) {
            int index = roles.userRoleUserCodec.bind(statement, 1, uuid);
            statement.setString(index, roleName);
            statement.executeUpdate();
        }
    }

    /**
     * Locks the user's row until Keycloak's transaction ends, so concurrent grants to one user are serialised and the
     * "already granted" checks cannot race into duplicate user_role rows (the table has no unique constraint).
     */
    private void lockUser(Connection connection, UUID id) throws SQLException {
        try (PreparedStatement statement = prepare(connection, "SELECT " + table.id + " FROM " + table.table + " WHERE "
                + table.idCodec.matches(table.id) + " FOR UPDATE")) {
            table.idCodec.bind(statement, 1, id);
            statement.executeQuery().close();
        }
    }

    private void update(Connection connection, String id, String column, Object value) throws SQLException {
        try (PreparedStatement statement = prepare(connection, "UPDATE " + table.table + " SET " + column + " = ? WHERE "
                + table.idCodec.matches(table.id))) {
            statement.setObject(1, value);
            table.idCodec.bind(statement, 2, UUID.fromString(id));
            statement.executeUpdate();
        }
    }

    private static void addIfMapped(List<String> columns, List<Object> values, String column, Object value) {
        if (column != null && !columns.contains(column)) {
            columns.add(column);
            values.add(value);
        }
    }

    private PreparedStatement prepare(Connection connection, String sql) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        statement.setQueryTimeout(queryTimeoutSeconds);
        return statement;
    }
}
