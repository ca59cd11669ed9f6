package dev.appusers.keycloak.jdbc;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * How a column's SQL type becomes one of Keycloak's string attribute values and back: integers and decimals in plain
 * notation, booleans as {@code true}/{@code false}, dates and timestamps in ISO-8601, UUIDs canonical, NULL absent.
 */
public enum AttributeType {
    TEXT("text"), INTEGER("an integer"), DECIMAL("a decimal number"), BOOLEAN("true or false"),
    DATE("a date (YYYY-MM-DD)"), TIMESTAMP("a timestamp (YYYY-MM-DDTHH:MM:SS)"),
    TIMESTAMP_WITH_ZONE("a timestamp with offset (YYYY-MM-DDTHH:MM:SS+01:00)"), UUID("a UUID");

    private final String expected;

    AttributeType(String expected) {
        this.expected = expected;
    }

    /** The type for a column. @throws SchemaException for types that hold no attribute value (BLOBs, arrays) */
    static AttributeType of(String configKey, DbColumn column) {
        String typeName = column.typeName().toLowerCase(Locale.ROOT);
        if (typeName.equals("uuid")) {
            return UUID;
        }
        switch (column.jdbcType()) {
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR,
                    Types.CLOB, Types.NCLOB -> {
                return TEXT;
            }
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> {
                return INTEGER;
            }
            case Types.NUMERIC, Types.DECIMAL, Types.REAL, Types.FLOAT, Types.DOUBLE -> {
                return DECIMAL;
            }
            case Types.BIT, Types.BOOLEAN -> {
                return BOOLEAN;
            }
            case Types.DATE -> {
                return DATE;
            }
            case Types.TIMESTAMP -> {
                return TIMESTAMP;
            }
            case Types.TIMESTAMP_WITH_TIMEZONE -> {
                return TIMESTAMP_WITH_ZONE;
            }
            case Types.BINARY, Types.VARBINARY -> {
                if (column.size() == 16) {
                    return UUID;
                }
            }
            default -> { }
        }
        throw new SchemaException(String.format("%s: column %s has type %s, which cannot be a Keycloak attribute; "
                + "supported: text, integer, decimal, boolean, date, timestamp, uuid", configKey, column.name(),
                column.typeName()));
    }

    /** The attribute value of a column, or null for SQL NULL. */
    String read(ResultSet rs, int index, IdCodec uuidCodec) throws SQLException {
        return switch (this) {
            case TEXT -> rs.getString(index);
            case INTEGER -> {
                long value = rs.getLong(index);
                yield rs.wasNull() ? null : Long.toString(value);
            }
            case DECIMAL -> {
                BigDecimal value = rs.getBigDecimal(index);
                yield value == null ? null : value.stripTrailingZeros().toPlainString();
            }
            case BOOLEAN -> {
                boolean value = rs.getBoolean(index);
                yield rs.wasNull() ? null : Boolean.toString(value);
            }
            case DATE -> {
                Date value = rs.getDate(index);
                yield value == null ? null : value.toLocalDate().toString();
            }
            case TIMESTAMP -> {
                Timestamp value = rs.getTimestamp(index);
                yield value == null ? null : DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(value.toLocalDateTime());
            }
            case TIMESTAMP_WITH_ZONE -> {
                OffsetDateTime value = rs.getObject(index, OffsetDateTime.class);
                yield value == null ? null : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(value);
            }
            case UUID -> rs.getObject(index) == null ? null : uuidCodec.read(rs, index);
        };
    }

    /**
     * The value to bind for an attribute value, for searches and writes.
     *
     * @throws IllegalArgumentException naming the attribute and the type it expects
     */
    Object parse(String attribute, String value) {
        try {
            return switch (this) {
                case TEXT -> value;
                case INTEGER -> Long.parseLong(value.trim());
                case DECIMAL -> new BigDecimal(value.trim());
                case BOOLEAN -> parseBoolean(value.trim());
                case DATE -> Date.valueOf(LocalDate.parse(value.trim()));
                case TIMESTAMP -> Timestamp.valueOf(LocalDateTime.parse(value.trim()));
                case TIMESTAMP_WITH_ZONE -> OffsetDateTime.parse(value.trim());
                case UUID -> IdCodec.parse(value.trim());
            };
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException(attribute + ": '" + value + "' is not " + expected);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(attribute + ": '" + value + "' is not " + expected);
        }
    }

    private static boolean parseBoolean(String value) {
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException(value);
    }
}
