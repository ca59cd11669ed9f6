package dev.appusers.keycloak.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks, when a component is saved, that the datasource's database user may read every mapped table: metadata lists
 * tables a user cannot read (PostgreSQL), and without this check the first sign-in would be the one to fail.
 */
public final class TableAccess {

    private TableAccess() {
    }

    /** @throws SchemaException naming the table, the database user and the GRANT that is missing */
    public static void checkReadable(Connection connection, UserTable users, Optional<RoleTables> roles)
            throws SQLException {
        List<String[]> probes = new ArrayList<>();
        probes.add(new String[] {users.table, users.id});
        roles.ifPresent(r -> {
            probes.add(new String[] {r.roleTable, r.roleId});
            probes.add(new String[] {r.userRoleTable, r.userRoleUser});
        });
        for (String[] probe : probes) {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT " + probe[1] + " FROM " + probe[0] + " WHERE 1 = 0")) {
                statement.setQueryTimeout(10);
                statement.executeQuery().close();
            } catch (SQLException e) {
                if (DatabaseErrors.isConnectionFailure(e)) {
                    throw e;
                }
                throw new SchemaException(String.format("The datasource's database user %s cannot read table %s (%s): "
                        + "grant it, e.g. GRANT SELECT ON %s TO %s", connection.getMetaData().getUserName(), probe[0],
                        DatabaseErrors.codes(e), probe[0], connection.getMetaData().getUserName()));
            }
        }
    }
}
