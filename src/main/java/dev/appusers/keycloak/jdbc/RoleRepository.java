package dev.appusers.keycloak.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

/**
 * Reads the app's roles and who has them. A user's roles are one joined query, never one query per role.
 */
public final class RoleRepository {

    private static final Logger LOG = Logger.getLogger(RoleRepository.class);

    /** More roles than this is not a role table; the sync reads no further. */
    static final int MAX_ROLES = 10_000;

    private final RoleTables tables;
    private final int queryTimeoutSeconds;

    public RoleRepository(RoleTables tables, int queryTimeoutSeconds) {
        this.tables = tables;
        this.queryTimeoutSeconds = queryTimeoutSeconds;
    }

    /** The ids of the app's roles named {@code roleName} (one, as a rule), as the database returns them. */
    public List<Object> idsNamed(Connection connection, String roleName) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(tables.idsByName())) {
            statement.setQueryTimeout(queryTimeoutSeconds);
            statement.setString(1, roleName);
            List<Object> ids = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1));
                }
            }
            return ids;
        }
    }

    /** Every role of the app, by name. */
    public List<AppRole> all(Connection connection) throws SQLException {
        String sql = "SELECT " + tables.roleName + ", " + description("") + attributes("") + " FROM " + tables.roleTable
                + " ORDER BY " + tables.roleName;
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setQueryTimeout(queryTimeoutSeconds);
            statement.setMaxRows(MAX_ROLES + 1);
            List<AppRole> roles = read(statement);
            if (roles.size() > MAX_ROLES) {
                LOG.warnf("The app's role table has more than %d rows; only the first are synchronised", MAX_ROLES);
                return roles.subList(0, MAX_ROLES);
            }
            return roles;
        }
    }

    /** The roles of one user: one query, joined to the role table. */
    public List<AppRole> ofUser(Connection connection, String userId) throws SQLException {
        String sql = "SELECT DISTINCT r." + tables.roleName + ", " + description("r.") + attributes("r.") + " FROM "
                + tables.join()
                + " WHERE " + tables.userRoleUserCodec.matches("ur." + tables.userRoleUser);
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setQueryTimeout(queryTimeoutSeconds);
            tables.userRoleUserCodec.bind(statement, 1, UUID.fromString(userId));
            return read(statement);
        }
    }

    /**
     * The roles of many users at once (a sync batch): one query, keyed by the users' canonical ids. Users without a
     * role are absent from the map.
     */
    public Map<String, List<AppRole>> ofUsers(Connection connection, List<String> userIds) throws SQLException {
        Map<String, List<AppRole>> byUser = new LinkedHashMap<>();
        if (userIds.isEmpty()) {
            return byUser;
        }
        String sql = "SELECT DISTINCT r." + tables.roleName + ", " + description("r.") + attributes("r.") + ", ur."
                + tables.userRoleUser + " FROM " + tables.join() + " WHERE ur." + tables.userRoleUser + " IN ("
                + String.join(", ", java.util.Collections.nCopies(userIds.size(), "?")) + ")";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setQueryTimeout(queryTimeoutSeconds);
            int index = 1;
            for (String id : userIds) {
                statement.setObject(index++, tables.userRoleUserCodec.toDatabase(UUID.fromString(id)));
            }
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    String userId = tables.userRoleUserCodec.read(rs, 3 + tables.attributes.size());
                    readRole(rs).ifPresent(role -> byUser.computeIfAbsent(userId, k -> new ArrayList<>()).add(role));
                }
            }
        }
        return byUser;
    }

    private String description(String alias) {
        return tables.roleDescription == null ? "NULL" : alias + tables.roleDescription;
    }

    private String attributes(String alias) {
        return tables.attributes.stream().map(a -> ", " + alias + a.column()).collect(Collectors.joining());
    }

    private List<AppRole> read(PreparedStatement statement) throws SQLException {
        List<AppRole> roles = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                readRole(rs).ifPresent(roles::add);
            }
        }
        return roles;
    }

    /** A role from columns name, description, attributes...; empty (with a log line) for an empty name. */
    private java.util.Optional<AppRole> readRole(ResultSet rs) throws SQLException {
        String name = rs.getString(1);
        if (name == null || name.isBlank()) {
            LOG.warnf("Skipping a role of the app whose name is empty");
            return java.util.Optional.empty();
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        int index = 2;
        for (MappedAttribute attribute : tables.attributes) {
            String value = attribute.read(rs, ++index);
            if (value != null) {
                attributes.put(attribute.name(), value);
            }
        }
        return java.util.Optional.of(new AppRole(name, rs.getString(2), Map.copyOf(attributes)));
    }
}
