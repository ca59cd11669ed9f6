package dev.appusers.keycloak.jdbc;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A table found through JDBC metadata: its qualified, quoted name and its columns under their real names.
 */
final class DbTable {

    private final String name;
    private final String qualifiedName;
    private final List<DbColumn> columns;
    private final String quote;
    private final List<String> primaryKey;

    DbTable(String name, String qualifiedName, List<DbColumn> columns, String quote, List<String> primaryKey) {
        this.name = name;
        this.qualifiedName = qualifiedName;
        this.columns = List.copyOf(columns);
        this.quote = quote;
        this.primaryKey = List.copyOf(primaryKey);
    }

    /** The primary key's columns, as the database names them. */
    List<String> primaryKey() { return primaryKey; }

    String name() { return name; }

    /** The table as SQL names it: quoted, with its schema when one was configured. */
    String qualifiedName() { return qualifiedName; }

    /** The table's own name quoted for SQL, without its schema. */
    String quotedName() { return quote(name, quote); }

    List<DbColumn> columns() { return columns; }

    /** Finds a column, exact name first, then ignoring case. */
    Optional<DbColumn> findColumn(String wanted) {
        return columns.stream().filter(c -> c.name().equals(wanted)).findFirst()
                .or(() -> columns.stream().filter(c -> c.name().equalsIgnoreCase(wanted)).findFirst());
    }

    /** Finds a configured column ({@link #findColumn}), or says which columns there are. */
    DbColumn column(String configKey, String wanted) {
        return findColumn(wanted)
                .orElseThrow(() -> new SchemaException(String.format("%s: column %s not found in table %s; columns are: %s",
                        configKey, wanted, name, columns.stream().map(DbColumn::name).collect(Collectors.joining(", ")))));
    }

    /** The column quoted for SQL. */
    String quoted(DbColumn column) {
        return quote(column.name(), quote);
    }

    static String quote(String identifier, String quote) {
        if (quote == null || quote.isBlank()) {
            return identifier;
        }
        return quote + identifier.replace(quote, quote + quote) + quote;
    }
}
