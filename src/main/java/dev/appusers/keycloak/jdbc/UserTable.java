package dev.appusers.keycloak.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;

import dev.appusers.keycloak.config.AppUsersConfig;
import dev.appusers.keycloak.config.ConfigKeys;

/**
 * The app's user table as the configuration maps it, resolved against the live database: every name here came from
 * JDBC metadata and is quoted for SQL. Immutable; resolved once per component configuration.
 */
public final class UserTable {

    final String table;
    final String id;
    final IdCodec idCodec;
    final String username;
    final String email;
    final String passwordHash;
    final String enabled;
    final String emailVerified;
    final String firstName;
    final String lastName;
    final List<MappedAttribute> attributes;
    /** Import mode's last-modified timestamp column, if configured. */
    final String lastModified;
    /** Values for the app's other columns when Keycloak inserts a user, by quoted column ({@code insertDefaults}). */
    final Map<String, Object> insertDefaults;
    /** NOT NULL columns without a database default that nothing fills on insert. */
    final List<String> unfilledOnInsert;

    private UserTable(AppUsersConfig config, DbTable table) {
        this.table = table.qualifiedName();
        DbColumn idColumn = table.column(ConfigKeys.USER_ID_COLUMN, config.userIdColumn());
        this.id = table.quoted(idColumn);
        this.idCodec = IdCodec.forColumn(ConfigKeys.USER_ID_COLUMN, idColumn);
        this.username = table.quoted(table.column(ConfigKeys.USERNAME_COLUMN, config.usernameColumn()));
        this.email = optional(table, ConfigKeys.EMAIL_COLUMN, config.emailColumn());
        this.passwordHash = optional(table, ConfigKeys.PASSWORD_HASH_COLUMN, config.passwordHashColumn());
        this.enabled = optional(table, ConfigKeys.ENABLED_COLUMN, config.enabledColumn());
        this.emailVerified = optional(table, ConfigKeys.EMAIL_VERIFIED_COLUMN, config.emailVerifiedColumn());
        this.firstName = optional(table, ConfigKeys.FIRST_NAME_COLUMN, config.firstNameColumn());
        this.lastName = optional(table, ConfigKeys.LAST_NAME_COLUMN, config.lastNameColumn());
        this.lastModified = config.lastModifiedColumn().map(name -> timestamp(table, name)).orElse(null);
        String secret = config.passwordHashColumn().map(c -> table.column(ConfigKeys.PASSWORD_HASH_COLUMN, c).name())
                .orElse(null);
        this.attributes = AttributeColumns.resolve(ConfigKeys.USER_ATTRIBUTE_COLUMNS, table,
                config.userAttributeColumns(), AttributeColumns.lower(idColumn.name(),
                        realName(table, ConfigKeys.USERNAME_COLUMN, Optional.of(config.usernameColumn())),
                        realName(table, ConfigKeys.EMAIL_COLUMN, config.emailColumn()), secret,
                        realName(table, ConfigKeys.ENABLED_COLUMN, config.enabledColumn()),
                        realName(table, ConfigKeys.EMAIL_VERIFIED_COLUMN, config.emailVerifiedColumn()),
                        realName(table, ConfigKeys.FIRST_NAME_COLUMN, config.firstNameColumn()),
                        realName(table, ConfigKeys.LAST_NAME_COLUMN, config.lastNameColumn())),
                secret);
        Map<String, Object> defaults = new LinkedHashMap<>();
        config.write().insertDefaults().forEach((name, value) -> {
            DbColumn column = table.column(ConfigKeys.INSERT_DEFAULTS, name);
            Object typed;
            try {
                typed = AttributeType.of(ConfigKeys.INSERT_DEFAULTS, column).parse(column.name(), value);
            } catch (IllegalArgumentException e) {
                throw new SchemaException(ConfigKeys.INSERT_DEFAULTS + ": " + e.getMessage());
            }
            defaults.put(table.quoted(column), typed instanceof java.util.UUID uuid
                    ? IdCodec.forColumn(ConfigKeys.INSERT_DEFAULTS, column).toDatabase(uuid) : typed);
        });
        this.insertDefaults = Map.copyOf(defaults);
        Set<String> filled = new HashSet<>(defaults.keySet());
        filled.addAll(Arrays.asList(id, username, email, passwordHash, enabled, emailVerified));
        this.unfilledOnInsert = table.columns().stream().filter(c -> !c.nullable() && !c.hasDefault())
                .filter(c -> !filled.contains(table.quoted(c))).map(DbColumn::name).toList();
    }

    /**
     * @throws SchemaException naming the NOT NULL columns a new row would leave empty
     */
    public void checkInsertable() {
        if (!unfilledOnInsert.isEmpty()) {
            throw new SchemaException("The app's user table has NOT NULL columns without a default that Keycloak "
                    + "cannot fill: " + String.join(", ", unfilledOnInsert) + "; give each a value in "
                    + ConfigKeys.INSERT_DEFAULTS + " (column=value)");
        }
    }

    private static String timestamp(DbTable table, String name) {
        DbColumn column = table.column(ConfigKeys.LAST_MODIFIED_COLUMN, name);
        if (!java.util.Set.of(java.sql.Types.TIMESTAMP, java.sql.Types.TIMESTAMP_WITH_TIMEZONE, java.sql.Types.DATE)
                .contains(column.jdbcType())) {
            throw new SchemaException(ConfigKeys.LAST_MODIFIED_COLUMN + ": column " + column.name() + " is "
                    + column.typeName() + ", not a timestamp; name the column the app updates on every change "
                    + "(Advanced Alchemy: updated_at), or leave it empty for full syncs only");
        }
        return table.quoted(column);
    }

    private static String realName(DbTable table, String key, Optional<String> column) {
        return column.map(name -> table.column(key, name).name()).orElse(null);
    }

    /** The user attributes mapped to columns, in configuration order. */
    public List<MappedAttribute> attributes() {
        return attributes;
    }

    /** The mapped attribute of that name, if any. */
    public Optional<MappedAttribute> attribute(String name) {
        return attributes.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    /**
     * Resolves the configured names against the database.
     *
     * @throws SchemaException naming what is missing and what exists instead
     */
    public static UserTable resolve(Connection connection, AppUsersConfig config) throws SQLException {
        SchemaReader reader = SchemaReader.open(connection, config.dbSchema());
        return new UserTable(config, reader.table(ConfigKeys.USER_TABLE, config.userTable()));
    }

    private static String optional(DbTable table, String key, Optional<String> column) {
        return column.map(name -> table.quoted(table.column(key, name))).orElse(null);
    }

    public boolean mapsEmail() { return email != null; }
    public boolean mapsPasswordHash() { return passwordHash != null; }
    public boolean mapsEnabled() { return enabled != null; }
    public boolean mapsEmailVerified() { return emailVerified != null; }
    public boolean mapsFirstName() { return firstName != null; }
    public boolean mapsLastName() { return lastName != null; }
    public boolean mapsLastModified() { return lastModified != null; }

    @Override
    public String toString() {
        return "UserTable{" + table + ", id=" + id + " (" + idCodec + ")}";
    }
}
