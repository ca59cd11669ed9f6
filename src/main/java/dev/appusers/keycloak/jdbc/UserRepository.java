package dev.appusers.keycloak.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import org.jboss.logging.Logger;

/**
 * Reads the app's user table. Every statement is parameterised, paged in the database, ordered by id, and bounded by
 * the configured query timeout. A row that cannot be read (an id that is no UUID, say) is skipped with one log line and
 * never breaks other users.
 */
public final class UserRepository {

    private static final Logger LOG = Logger.getLogger(UserRepository.class);

    /** The column name of a page's ids in {@link #pageOf}; not quoted, so every database keeps it as written. */
    private static final String PAGE_ID = "app_users_page_id";

    private final UserTable table;
    private final UserRowReader reader;
    private final int queryTimeoutSeconds;
    private final String select;

    public UserRepository(UserTable table, int queryTimeoutSeconds) {
        this.table = table;
        this.reader = new UserRowReader(table);
        this.queryTimeoutSeconds = queryTimeoutSeconds;
        this.select = "SELECT " + reader.columns("") + " FROM " + table.table;
    }

    /** A user's row with the names of its roles. */
    public record WithRoles(UserRow row, List<AppRole> roles) {
    }

    /**
     * The user by id with its roles' names in one statement (the row once per role), for the check at sign-in that
     * compares Keycloak's cached copy with both.
     */
    public Optional<WithRoles> findByIdWithRoles(Connection connection, String id, RoleTables roles)
            throws SQLException {
        UUID uuid = uuid(id).orElse(null);
        if (uuid == null) {
            return Optional.empty();
        }
        String sql = "SELECT " + reader.columns("u.") + ", r." + roles.roleName + " FROM " + table.table + " u LEFT JOIN ("
                + roles.join() + ") ON ur." + roles.userRoleUser + " = u." + table.id + " WHERE "
                + table.idCodec.matches("u." + table.id);
        try (PreparedStatement statement = prepare(connection, sql)) {
            table.idCodec.bind(statement, 1, uuid);
            try (ResultSet rs = statement.executeQuery()) {
                Optional<UserRow> row = Optional.empty();
                List<AppRole> names = new ArrayList<>();
                while (rs.next()) {
                    row = row.isPresent() ? row : reader.read(rs);
                    String name = rs.getString(reader.columnCount() + 1);
                    if (name != null && !name.isBlank()) {
                        names.add(new AppRole(name, null, Map.of()));
                    }
                }
                return row.map(found -> new WithRoles(found, List.copyOf(names)));
            }
        }
    }

    public Optional<UserRow> findById(Connection connection, String id) throws SQLException {
        UUID uuid = uuid(id).orElse(null);
        if (uuid == null) {
            return Optional.empty();
        }
        try (PreparedStatement statement = prepare(connection, select + " WHERE " + table.idCodec.matches(table.id))) {
            table.idCodec.bind(statement, 1, uuid);
            return single(statement, "id");
        }
    }

    /** Case-insensitive: Keycloak lower-cases what users type, the app may have stored {@code Alice@Example.com}. */
    public Optional<UserRow> findByUsername(Connection connection, String username) throws SQLException {
        return findByLowerCase(connection, table.username, "username", username);
    }

    public Optional<UserRow> findByEmail(Connection connection, String email) throws SQLException {
        return table.email == null ? Optional.empty() : findByLowerCase(connection, table.email, "email", email);
    }

    public List<UserRow> search(Connection connection, UserFilter filter, int first, int max) throws SQLException {
        if (filter.matchesNothing() || max <= 0) {
            return List.of();
        }
        // a deeper page skips rows by id alone (an index-only scan) and reads only the page's rows in full
        String sql = first > 0
                ? pageOf("SELECT " + table.id + " AS " + PAGE_ID + " FROM " + table.table + filter.whereClause()
                        + " ORDER BY " + PAGE_ID + " LIMIT ? OFFSET ?")
                : select + filter.whereClause() + " ORDER BY " + table.id + " LIMIT ? OFFSET ?";
        try (PreparedStatement statement = prepare(connection, sql)) {
            int index = bind(statement, filter.parameters());
            statement.setInt(index++, max);
            statement.setInt(index, Math.max(first, 0));
            return list(statement);
        }
    }

    /**
     * One page of the app's members of a role whose ids {@link RoleRepository#idsNamed} found, ordered like every user list: the
     * user-role rows of those ids (in {@code (role, user)} index order, when the app has that index) joined to their
     * users. The ids come first, as the planner cannot walk that index for a role it knows only by name.
     */
    public List<UserRow> membersOf(Connection connection, RoleTables roles, List<Object> roleIds, int first, int max)
            throws SQLException {
        if (roleIds.isEmpty() || max <= 0) {
            return List.of();
        }
        String sql = pageOf("SELECT DISTINCT " + roles.userRoleUser + " AS " + PAGE_ID + " FROM " + roles.userRoleTable
                + " WHERE " + roles.userRoleRole + " IN (" + String.join(", ", Collections.nCopies(roleIds.size(), "?"))
                + ") ORDER BY " + PAGE_ID + " LIMIT ? OFFSET ?");
        try (PreparedStatement statement = prepare(connection, sql)) {
            int index = bind(statement, roleIds);
            statement.setInt(index++, max);
            statement.setInt(index, Math.max(first, 0));
            return list(statement);
        }
    }

    /**
     * A page of at most {@code limit} users after the raw id {@code after} ({@code null}: from the start), in id order
     * (keyset paging: every page is an index range scan, however deep). With {@code changedSince}, only rows whose
     * last-modified column is at or after it.
     */
    public UserPage page(Connection connection, Object after, int limit, java.sql.Timestamp changedSince)
            throws SQLException {
        List<String> conditions = new ArrayList<>();
        if (after != null) {
            conditions.add(table.id + " > ?");
        }
        if (changedSince != null) {
            conditions.add(table.lastModified + " >= ?");
        }
        String sql = select + (conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions))
                + " ORDER BY " + table.id + " LIMIT ?";
        try (PreparedStatement statement = prepare(connection, sql)) {
            int index = 1;
            if (after != null) {
                statement.setObject(index++, after);
            }
            if (changedSince != null) {
                statement.setTimestamp(index++, changedSince);
            }
            statement.setInt(index, limit);
            return pageOfRows(statement, limit);
        }
    }

    /** The rows a statement yields as a page, which continues after the last raw id when it holds {@code limit}. */
    private UserPage pageOfRows(PreparedStatement statement, int limit) throws SQLException {
        List<UserRow> rows = new ArrayList<>();
        int unreadable = 0;
        List<String> unreadableIds = new ArrayList<>();
        int seen = 0;
        Object last = null;
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                seen++;
                last = rs.getObject(1);
                Optional<UserRow> row = reader.read(rs);
                if (row.isPresent()) {
                    rows.add(row.get());
                } else {
                    unreadable++;
                    reader.idOf(rs).ifPresent(unreadableIds::add);
                }
            }
        }
        return new UserPage(rows, unreadable, unreadableIds, seen < limit ? null : last);
    }

    /** The rows of these ids (a few hundred at most), in id order, as a last page; rows that are gone are left out. */
    public UserPage byIds(Connection connection, List<String> ids) throws SQLException {
        List<UUID> uuids = ids.stream().map(UserRepository::uuid).flatMap(Optional::stream).toList();
        if (uuids.isEmpty()) {
            return new UserPage(List.of(), 0, List.of(), null);
        }
        String sql = select + " WHERE " + table.idCodec.matchesAny(table.id, uuids.size()) + " ORDER BY " + table.id;
        try (PreparedStatement statement = prepare(connection, sql)) {
            table.idCodec.bindAll(statement, 1, uuids);
            return pageOfRows(statement, Integer.MAX_VALUE);
        }
    }

    /** The users whose ids {@code ids} (a query of one column, {@value #PAGE_ID}) yields, ordered by id. */
    private String pageOf(String ids) {
        return select + " JOIN (" + ids + ") page ON page." + PAGE_ID + " = " + table.id + " ORDER BY " + table.id;
    }

    public int count(Connection connection, UserFilter filter) throws SQLException {
        if (filter.matchesNothing()) {
            return 0;
        }
        try (PreparedStatement statement = prepare(connection, "SELECT COUNT(*) FROM " + table.table + filter.whereClause())) {
            bind(statement, filter.parameters());
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return (int) Math.min(Integer.MAX_VALUE, rs.getLong(1));
            }
        }
    }

    private Optional<UserRow> findByLowerCase(Connection connection, String column, String what, String value)
            throws SQLException {
        if (value == null || value.isEmpty() || value.indexOf('\0') >= 0) {
            return Optional.empty();
        }
        String sql = select + " WHERE lower(" + column + ") = ? ORDER BY " + table.id + " LIMIT 2";
        try (PreparedStatement statement = prepare(connection, sql)) {
            statement.setString(1, value.toLowerCase(Locale.ROOT));
            return single(statement, what);
        }
    }

    private Optional<UserRow> single(PreparedStatement statement, String what) throws SQLException {
        try (ResultSet rs = statement.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            Optional<UserRow> row = reader.read(rs);
            if (rs.next()) {
                LOG.warnf("Two or more rows of %s share this %s when case is ignored; refusing the ambiguous lookup. "
                        + "Make the %s unique ignoring case in the app's table.", table.table, what, what);
                return Optional.empty();
            }
            return row;
        }
    }

    private List<UserRow> list(PreparedStatement statement) throws SQLException {
        List<UserRow> rows = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                reader.read(rs).ifPresent(rows::add);
            }
        }
        return rows;
    }

    private PreparedStatement prepare(Connection connection, String sql) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        statement.setQueryTimeout(queryTimeoutSeconds);
        return statement;
    }

    private static Optional<UUID> uuid(String id) {
        try {
            return Optional.of(IdCodec.parse(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static int bind(PreparedStatement statement, List<Object> parameters) throws SQLException {
        int index = 1;
        for (Object parameter : parameters) {
            statement.setObject(index++, parameter);
        }
        return index;
    }
}
