package dev.appusers.keycloak.jdbc;

import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;

/**
 * How the app stores its UUID ids: native {@code uuid} (PostgreSQL, H2), {@code BINARY(16)} raw bytes (Advanced Alchemy's
 * default on MySQL/MariaDB/SQLite), {@code CHAR(32)} hex or {@code CHAR(36)} canonical text. Keycloak always sees the
 * canonical, lower-case form.
 */
public enum IdCodec {
    NATIVE_UUID {
        @Override
        Object toDatabase(UUID id) { return id; }

        @Override
        UUID fromDatabase(ResultSet rs, int column) throws SQLException {
            Object value = rs.getObject(column);
            return value == null ? null : value instanceof UUID uuid ? uuid : UUID.fromString(value.toString());
        }
    },
    BINARY_16 {
        @Override
        Object toDatabase(UUID id) {
            return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).array();
        }

        @Override
        UUID fromDatabase(ResultSet rs, int column) throws SQLException {
            byte[] bytes = rs.getBytes(column);
            if (bytes == null) {
                return null;
            }
            if (bytes.length != 16) {
                throw new IllegalArgumentException("expected 16 bytes, found " + bytes.length);
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            return new UUID(buffer.getLong(), buffer.getLong());
        }
    },
    HEX_32 {
        @Override
        Object toDatabase(UUID id) { return id.toString().replace("-", ""); }

        @Override
        UUID fromDatabase(ResultSet rs, int column) throws SQLException {
            String value = rs.getString(column);
            return value == null ? null : parse(value.trim());
        }
    },
    CANONICAL_36 {
        @Override
        Object toDatabase(UUID id) { return id.toString(); }

        @Override
        UUID fromDatabase(ResultSet rs, int column) throws SQLException {
            String value = rs.getString(column);
            return value == null ? null : parse(value.trim());
        }
    };

    abstract Object toDatabase(UUID id);

    /** @throws IllegalArgumentException when the stored value is not a UUID in this format */
    abstract UUID fromDatabase(ResultSet rs, int column) throws SQLException;

    /**
     * The condition that finds an id in {@code column}. Text ids are matched in lower and upper case, so ids written
     * by other tools in upper case are found too, and the column's index still serves the lookup.
     */
    String matches(String column) {
        return isText() ? column + " IN (?, ?)" : column + " = ?";
    }

    /** Binds an id for {@link #matches}; returns the next parameter index. */
    int bind(PreparedStatement statement, int index, UUID id) throws SQLException {
        Object value = toDatabase(id);
        statement.setObject(index++, value);
        if (isText()) {
            statement.setObject(index++, value.toString().toUpperCase(Locale.ROOT));
        }
        return index;
    }

    /** {@link #matches} for {@code count} ids at once. */
    String matchesAny(String column, int count) {
        return column + " IN (" + String.join(", ", java.util.Collections.nCopies(isText() ? 2 * count : count, "?"))
                + ")";
    }

    /** Binds ids for {@link #matchesAny}; returns the next parameter index. */
    int bindAll(PreparedStatement statement, int index, java.util.List<UUID> ids) throws SQLException {
        for (UUID id : ids) {
            index = bind(statement, index, id);
        }
        return index;
    }

    private boolean isText() {
        return this == HEX_32 || this == CANONICAL_36;
    }

    /** The canonical text of the id in this row's column. */
    public String read(ResultSet rs, int column) throws SQLException {
        UUID id = fromDatabase(rs, column);
        if (id == null) {
            throw new IllegalArgumentException("id is NULL");
        }
        return id.toString();
    }

    /** Parses an id as Keycloak or the app may write it: canonical or 32 hex digits, any case. */
    public static UUID parse(String text) {
        String hex = text.replace("-", "");
        if (hex.length() != 32 || (text.length() != 32 && text.length() != 36)) {
            throw new IllegalArgumentException("not a UUID: " + text.length() + " characters");
        }
        byte[] bytes = HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT));
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        return new UUID(buffer.getLong(), buffer.getLong());
    }

    /** Picks the codec for a column from its JDBC metadata. @throws SchemaException when the type holds no UUID */
    static IdCodec forColumn(String configKey, DbColumn column) {
        String typeName = column.typeName().toLowerCase(Locale.ROOT);
        if (typeName.equals("uuid") || column.jdbcType() == Types.OTHER && typeName.contains("uuid")) {
            return NATIVE_UUID;
        }
        switch (column.jdbcType()) {
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY -> {
                if (column.size() == 16) {
                    return BINARY_16;
                }
            }
            case Types.CHAR, Types.VARCHAR, Types.NCHAR, Types.NVARCHAR -> {
                if (column.size() == 32) {
                    return HEX_32;
                }
                if (column.size() >= 36) {
                    return CANONICAL_36;
                }
            }
            default -> { }
        }
        throw new SchemaException(String.format(configKey + ": column %s has type %s(%d), which cannot hold the app's UUID ids; "
                + "supported: uuid, BINARY(16), CHAR(32), CHAR(36)", column.name(), column.typeName(), column.size()));
    }
}
