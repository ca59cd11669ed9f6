package dev.appusers.keycloak.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;

/** A column resolved as a Keycloak attribute: its attribute name, the quoted column and how its values convert. */
public record MappedAttribute(String name, String column, AttributeType type, IdCodec uuidCodec) {

    String read(ResultSet rs, int index) throws SQLException {
        return type.read(rs, index, uuidCodec);
    }

    /** The value to bind. @throws IllegalArgumentException naming the attribute and the expected type */
    public Object parse(String value) {
        Object parsed = type.parse(name, value);
        return parsed instanceof java.util.UUID uuid ? uuidCodec.toDatabase(uuid) : parsed;
    }
}
