package dev.appusers.keycloak.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

/**
 * The columns {@link UserRepository} selects of a user row and how one is read back: a row that cannot be read (an
 * id that is no UUID, an empty username) is skipped with one log line, an attribute that cannot be read is left out,
 * and neither breaks other users.
 */
final class UserRowReader {

    private static final Logger LOG = Logger.getLogger(UserRowReader.class);

    /** id, username, email, first and last name, hash, enabled, email verified; attribute columns follow. */
    private static final int FIXED_COLUMNS = 8;

    private final UserTable table;

    UserRowReader(UserTable table) {
        this.table = table;
    }

    /** The row's columns, each prefixed with {@code alias}: {@link #read} reads them in this order. */
    String columns(String alias) {
        return Stream.of(table.id, table.username, table.email, table.firstName, table.lastName,
                        table.passwordHash, table.enabled, table.emailVerified)
                .map(column -> column == null ? "NULL" : alias + column).collect(Collectors.joining(", "))
                + table.attributes.stream().map(a -> ", " + alias + a.column()).collect(Collectors.joining());
    }

    /** How many columns {@link #columns} lists: a statement's own columns follow them. */
    int columnCount() {
        return FIXED_COLUMNS + table.attributes.size();
    }

    /** The row's id as canonical UUID text, empty when it is no UUID (already logged by {@link #read}). */
    Optional<String> idOf(ResultSet rs) throws SQLException {
        try {
            return Optional.of(table.idCodec.read(rs, 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    Optional<UserRow> read(ResultSet rs) throws SQLException {
        String id;
        try {
            id = table.idCodec.read(rs, 1);
        } catch (IllegalArgumentException e) {
            LOG.warnf("Skipping a row of %s whose id cannot be read as a UUID (%s): fix that row in the app's table",
                    table.table, e.getMessage());
            MalformedRows.seen();
            return Optional.empty();
        }
        String username = rs.getString(2);
        if (username == null || username.isBlank()) {
            LOG.warnf("Skipping user %s of %s: its username column is empty", id, table.table);
            MalformedRows.seen();
            return Optional.empty();
        }
        boolean enabled = table.enabled == null || rs.getBoolean(7) && !rs.wasNull();
        boolean emailVerified = table.emailVerified != null && rs.getBoolean(8);
        Map<String, String> attributes = new LinkedHashMap<>();
        int index = FIXED_COLUMNS;
        for (MappedAttribute attribute : table.attributes) {
            try {
                String value = attribute.read(rs, ++index);
                if (value != null) {
                    attributes.put(attribute.name(), value);
                }
            } catch (SQLException | IllegalArgumentException e) {
                LOG.warnf("User %s: attribute %s cannot be read (%s); left out", id, attribute.name(), e.getMessage());
            }
        }
        return Optional.of(new UserRow(id, username.toLowerCase(Locale.ROOT), lower(rs.getString(3)), rs.getString(4),
                rs.getString(5), rs.getString(6), enabled, emailVerified, Map.copyOf(attributes)));
    }

    private static String lower(String value) {
        return value == null || value.isBlank() ? null : value.toLowerCase(Locale.ROOT);
    }
}
