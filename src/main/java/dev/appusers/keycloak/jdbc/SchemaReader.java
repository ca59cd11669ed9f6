package dev.appusers.keycloak.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Finds configured tables through {@link DatabaseMetaData}, matching names case-insensitively, so that only names the
 * database itself reports ever reach SQL.
 */
final class SchemaReader {

    private static final String[] TABLE_TYPES = {"TABLE", "VIEW", "BASE TABLE"};

    private final DatabaseMetaData metaData;
    private final String quote;
    private final String catalog;
    private final String schema;
    private final String qualifier;

    private SchemaReader(DatabaseMetaData metaData, String quote, String catalog, String schema, String qualifier) {
        this.metaData = metaData;
        this.quote = quote;
        this.catalog = catalog;
        this.schema = schema;
        this.qualifier = qualifier;
    }

    /** A reader of the configured schema, or of the connection's default one. */
    static SchemaReader open(Connection connection, Optional<String> configuredSchema) throws SQLException {
        DatabaseMetaData metaData = connection.getMetaData();
        String quote = metaData.getIdentifierQuoteString().trim();
        if (configuredSchema.isEmpty()) {
            return new SchemaReader(metaData, quote, connection.getCatalog(), schemaOrNull(connection), null);
        }
        String wanted = configuredSchema.get();
        // PostgreSQL and H2 have schemas; MariaDB and MySQL call their databases catalogs.
        boolean usesSchemas = metaData.supportsSchemasInTableDefinitions();
        List<String> known = usesSchemas ? names(metaData.getSchemas(), "TABLE_SCHEM") : names(metaData.getCatalogs(), "TABLE_CAT");
        String found = match(known, wanted).orElseThrow(() -> new SchemaException(String.format(
                "dbSchema: schema %s not found; schemas are: %s", wanted, String.join(", ", known))));
        String qualifier = DbTable.quote(found, quote) + ".";
        return usesSchemas
                ? new SchemaReader(metaData, quote, connection.getCatalog(), found, qualifier)
                : new SchemaReader(metaData, quote, found, null, qualifier);
    }

    /** The table with its columns. @throws SchemaException naming the tables there are */
    DbTable table(String configKey, String wanted) throws SQLException {
        List<String> tables;
        // JDBC reads the schema as a LIKE pattern: escaped, and each row's schema checked, so that a schema named
        // app_data never shows the tables of appXdata
        try (ResultSet rs = metaData.getTables(catalog, schemaPattern(), "%", TABLE_TYPES)) {
            tables = namesInSchema(rs, "TABLE_NAME");
        }
        String found = match(tables, wanted).orElseThrow(() -> new SchemaException(String.format(
                "%s: table %s not found%s; tables are: %s", configKey, wanted, where(),
                tables.isEmpty() ? "(none)" : String.join(", ", tables))));
        List<DbColumn> columns = new ArrayList<>();
        try (ResultSet rs = metaData.getColumns(catalog, schemaPattern(), escape(found), "%")) {
            while (rs.next()) {
                if (!inSchema(rs)) {
                    continue;
                }
                columns.add(new DbColumn(rs.getString("COLUMN_NAME"), rs.getInt("DATA_TYPE"), rs.getString("TYPE_NAME"),
                        rs.getInt("COLUMN_SIZE"), rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls,
                        rs.getString("COLUMN_DEF") != null || "YES".equalsIgnoreCase(rs.getString("IS_AUTOINCREMENT"))));
            }
        }
        List<String> primaryKey = new ArrayList<>();
        try (ResultSet rs = metaData.getPrimaryKeys(catalog, schema, found)) {
            while (rs.next()) {
                primaryKey.add(rs.getString("COLUMN_NAME"));
            }
        }
        String qualified = (qualifier == null ? "" : qualifier) + DbTable.quote(found, quote);
        return new DbTable(found, qualified, columns, quote, primaryKey);
    }

    private String schemaPattern() throws SQLException {
        return schema == null ? null : escape(schema);
    }

    private boolean inSchema(ResultSet rs) throws SQLException {
        return schema == null || schema.equals(rs.getString("TABLE_SCHEM"));
    }

    private List<String> namesInSchema(ResultSet rs, String column) throws SQLException {
        try (rs) {
            List<String> names = new ArrayList<>();
            while (rs.next()) {
                if (inSchema(rs)) {
                    names.add(rs.getString(column));
                }
            }
            return names.stream().distinct().sorted().collect(Collectors.toList());
        }
    }

    private String where() {
        String location = schema != null ? schema : catalog;
        return location == null ? "" : " in " + location;
    }

    private String escape(String pattern) throws SQLException {
        String escape = metaData.getSearchStringEscape();
        if (escape == null || escape.isEmpty()) {
            return pattern;
        }
        return pattern.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }

    private static Optional<String> match(List<String> names, String wanted) {
        return names.stream().filter(n -> n.equals(wanted)).findFirst()
                .or(() -> names.stream().filter(n -> n.equalsIgnoreCase(wanted)).findFirst());
    }

    private static List<String> names(ResultSet rs, String column) throws SQLException {
        try (rs) {
            List<String> names = new ArrayList<>();
            while (rs.next()) {
                names.add(rs.getString(column));
            }
            return names.stream().distinct().sorted().collect(Collectors.toList());
        }
    }

    private static String schemaOrNull(Connection connection) {
        try {
            return connection.getSchema();
        } catch (SQLException | AbstractMethodError e) {
            return null;
        }
    }
}
