package dev.appusers.keycloak.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import org.keycloak.common.util.MultivaluedHashMap;
import org.keycloak.component.ComponentModel;

import dev.appusers.keycloak.password.CostLimits;

/**
 * The component's configuration, read once from the {@link ComponentModel} into typed, validated values with the
 * Litestar-Users defaults ({@link ConfigDefaults}). Table and column names here are as the admin typed them;
 * {@code jdbc.UserTable} and {@code jdbc.RoleTables} resolve them against the live database before any of them reaches
 * SQL.
 */
public final class AppUsersConfig {

    /** Names an admin may configure: letters, digits, {@code _} and {@code $}; no quotes, spaces, semicolons or comments. */
    private static final Pattern IDENTIFIER = Pattern.compile("[\\p{L}_][\\p{L}\\p{N}_$]{0,127}");

    /** Keycloak's datasource names (its option names carry them): letters, digits, '-' and '_'. */
    private static final Pattern DATASOURCE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

    private final String datasource;
    private final String dbSchema;
    private final String userTable;
    private final String userIdColumn;
    private final String usernameColumn;
    private final String emailColumn;
    private final String passwordHashColumn;
    private final String enabledColumn;
    private final String emailVerifiedColumn;
    private final String firstNameColumn;
    private final String lastNameColumn;
    private final String lastModifiedColumn;
    private final EditMode editMode;
    private final int queryTimeoutSeconds;
    private final CostLimits costLimits;
    private final RolesConfig roles;
    private final List<AttributeColumn> userAttributeColumns;
    private final WriteConfig write;
    private final String changeTable;

    private AppUsersConfig(MultivaluedHashMap<String, String> config) {
        datasource = datasource(config);
        dbSchema = optionalIdentifier(config, ConfigKeys.DB_SCHEMA);
        userTable = requiredIdentifier(config, ConfigKeys.USER_TABLE);
        userIdColumn = requiredIdentifier(config, ConfigKeys.USER_ID_COLUMN);
        usernameColumn = requiredIdentifier(config, ConfigKeys.USERNAME_COLUMN);
        emailColumn = optionalIdentifier(config, ConfigKeys.EMAIL_COLUMN);
        passwordHashColumn = optionalIdentifier(config, ConfigKeys.PASSWORD_HASH_COLUMN);
        enabledColumn = optionalIdentifier(config, ConfigKeys.ENABLED_COLUMN);
        emailVerifiedColumn = optionalIdentifier(config, ConfigKeys.EMAIL_VERIFIED_COLUMN);
        firstNameColumn = optionalIdentifier(config, ConfigKeys.FIRST_NAME_COLUMN);
        lastNameColumn = optionalIdentifier(config, ConfigKeys.LAST_NAME_COLUMN);
        lastModifiedColumn = optionalIdentifier(config, ConfigKeys.LAST_MODIFIED_COLUMN);
        editMode = editMode(config);
        queryTimeoutSeconds = queryTimeout(config);
        costLimits = costLimits(config);
        roles = flag(config, ConfigKeys.ROLES_ENABLED) ? new RolesConfig(
                requiredIdentifier(config, ConfigKeys.ROLE_TABLE),
                requiredIdentifier(config, ConfigKeys.ROLE_ID_COLUMN),
                requiredIdentifier(config, ConfigKeys.ROLE_NAME_COLUMN),
                optionalIdentifier(config, ConfigKeys.ROLE_DESCRIPTION_COLUMN),
                requiredIdentifier(config, ConfigKeys.USER_ROLE_TABLE),
                requiredIdentifier(config, ConfigKeys.USER_ROLE_USER_COLUMN),
                requiredIdentifier(config, ConfigKeys.USER_ROLE_ROLE_COLUMN),
                value(config, ConfigKeys.ROLE_CLIENT_ID),
                AttributeColumn.parse(ConfigKeys.ROLE_ATTRIBUTE_COLUMNS, list(config, ConfigKeys.ROLE_ATTRIBUTE_COLUMNS)))
                : null;
        String scheme = value(config, ConfigKeys.PASSWORD_HASH_SCHEME);
        write = new WriteConfig(scheme == null ? ConfigDefaults.of(ConfigKeys.PASSWORD_HASH_SCHEME) : scheme,
                WriteConfig.parameters(ConfigKeys.PASSWORD_HASH_PARAMETERS,
                        value(config, ConfigKeys.PASSWORD_HASH_PARAMETERS)),
                flag(config, ConfigKeys.UPGRADE_HASHES_ON_LOGIN), flag(config, ConfigKeys.SYNC_REGISTRATIONS),
                flag(config, ConfigKeys.DELETE_ENABLED),
                WriteConfig.defaults(ConfigKeys.INSERT_DEFAULTS, list(config, ConfigKeys.INSERT_DEFAULTS)));
        write.check(costLimits);
        userAttributeColumns = AttributeColumn.parse(ConfigKeys.USER_ATTRIBUTE_COLUMNS,
                list(config, ConfigKeys.USER_ATTRIBUTE_COLUMNS));
        changeTable = optionalIdentifier(config, ConfigKeys.CHANGE_TABLE);
    }

    /** The datasource a component names, read alone (a provider needs it before the rest is resolved). */
    public static String datasourceOf(ComponentModel model) {
        return datasource(model.getConfig());
    }

    /**
     * The ceilings of {@code hashCostLimits} alone, for a check that needs nothing else of the component (an imported
     * user's password, which must verify while the app database is down).
     *
     * @throws InvalidConfigException for a setting Save would have refused
     */
    public static CostLimits costLimitsOf(ComponentModel model) {
        return costLimits(model.getConfig());
    }

    /** The query timeout alone (the default where it is not a valid number: Save refuses that anyway). */
    public static int queryTimeoutOf(ComponentModel model) {
        try {
            return queryTimeout(model.getConfig());
        } catch (InvalidConfigException e) {
            return ConfigDefaults.number(ConfigKeys.QUERY_TIMEOUT_SECONDS);
        }
    }

    /** Reads and checks the component's configuration. @throws InvalidConfigException naming the key and the fix */
    public static AppUsersConfig from(ComponentModel model) {
        return new AppUsersConfig(model.getConfig());
    }

    /** The Keycloak named datasource of the app database. */
    public String datasource() { return datasource; }
    public Optional<String> dbSchema() { return Optional.ofNullable(dbSchema); }
    public String userTable() { return userTable; }
    public String userIdColumn() { return userIdColumn; }
    public String usernameColumn() { return usernameColumn; }
    public Optional<String> emailColumn() { return Optional.ofNullable(emailColumn); }
    public Optional<String> passwordHashColumn() { return Optional.ofNullable(passwordHashColumn); }
    public Optional<String> enabledColumn() { return Optional.ofNullable(enabledColumn); }
    public Optional<String> emailVerifiedColumn() { return Optional.ofNullable(emailVerifiedColumn); }
    public Optional<String> firstNameColumn() { return Optional.ofNullable(firstNameColumn); }
    public Optional<String> lastNameColumn() { return Optional.ofNullable(lastNameColumn); }
    public Optional<String> lastModifiedColumn() { return Optional.ofNullable(lastModifiedColumn); }
    public EditMode editMode() { return editMode; }
    public int queryTimeoutSeconds() { return queryTimeoutSeconds; }
    /** Ceilings on the work one password check may cost ({@code hashCostLimits}). */
    public CostLimits costLimits() { return costLimits; }
    /** What WRITABLE mode writes, and how. */
    public WriteConfig write() { return write; }
    public boolean writable() { return editMode == EditMode.WRITABLE; }
    /** Columns of the user table that become user attributes. */
    public List<AttributeColumn> userAttributeColumns() { return userAttributeColumns; }
    /** The role mapping; empty when {@code rolesEnabled} is false. */
    public Optional<RolesConfig> roles() { return Optional.ofNullable(roles); }
    /** The change table the app's triggers fill ({@code changeTable}); empty: no change feed. */
    public Optional<String> changeTable() { return Optional.ofNullable(changeTable); }

    private static String value(MultivaluedHashMap<String, String> config, String key) {
        String value = config == null ? null : config.getFirst(key);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static List<String> list(MultivaluedHashMap<String, String> config, String key) {
        return config == null || config.get(key) == null ? List.of() : config.get(key);
    }

    /** Absent or empty: the default. */
    private static String requiredIdentifier(MultivaluedHashMap<String, String> config, String key) {
        String value = value(config, key);
        return checkIdentifier(key, value == null ? ConfigDefaults.of(key) : value);
    }

    /** Absent key: the default, if it has one; a key present but empty: not mapped. */
    private static String optionalIdentifier(MultivaluedHashMap<String, String> config, String key) {
        String defaultValue = ConfigDefaults.of(key);
        if (defaultValue != null && (config == null || !config.containsKey(key))) {
            return defaultValue;
        }
        String value = value(config, key);
        return value == null ? null : checkIdentifier(key, value);
    }

    static String checkIdentifier(String key, String name) {
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new InvalidConfigException(String.format(
                    "%s: '%s' is not a table or column name; use letters, digits, '_' or '$' only (no quotes, spaces, "
                            + "semicolons or comments), exactly as the name appears in the database", key, name));
        }
        return name;
    }

    private static boolean flag(MultivaluedHashMap<String, String> config, String key) {
        String value = value(config, key);
        if (value == null) {
            return ConfigDefaults.flag(key);
        }
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        throw new InvalidConfigException(key + ": '" + value + "' is not true or false");
    }

    private static String datasource(MultivaluedHashMap<String, String> config) {
        String value = value(config, ConfigKeys.DATASOURCE);
        if (value == null) {
            return ConfigDefaults.of(ConfigKeys.DATASOURCE);
        }
        if (!DATASOURCE_NAME.matcher(value).matches() || value.equals("default")) {
            throw new InvalidConfigException(String.format("%s: '%s' is not the name of a Keycloak named datasource "
                    + "(the <name> in its option db-kind-<name>: letters, digits, '-' and '_'); Keycloak's own "
                    + "database cannot be used", ConfigKeys.DATASOURCE, value));
        }
        return value;
    }

    private static EditMode editMode(MultivaluedHashMap<String, String> config) {
        String value = value(config, ConfigKeys.EDIT_MODE);
        if (value == null) {
            return EditMode.valueOf(ConfigDefaults.of(ConfigKeys.EDIT_MODE));
        }
        try {
            return EditMode.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(String.format("%s: '%s' is not supported; supported modes: %s",
                    ConfigKeys.EDIT_MODE, value, java.util.Arrays.toString(EditMode.values())));
        }
    }

    private static int queryTimeout(MultivaluedHashMap<String, String> config) {
        String value = value(config, ConfigKeys.QUERY_TIMEOUT_SECONDS);
        if (value == null) {
            return ConfigDefaults.number(ConfigKeys.QUERY_TIMEOUT_SECONDS);
        }
        try {
            int seconds = Integer.parseInt(value);
            if (seconds >= 1 && seconds <= 300) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidConfigException(String.format(
                "%s: '%s' is not a number of seconds between 1 and 300", ConfigKeys.QUERY_TIMEOUT_SECONDS, value));
    }

    private static CostLimits costLimits(MultivaluedHashMap<String, String> config) {
        try {
            return CostLimits.parse(value(config, ConfigKeys.HASH_COST_LIMITS));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(ConfigKeys.HASH_COST_LIMITS + ": " + e.getMessage());
        }
    }

    /** The configuration holds no secrets (the datasource credentials live in Keycloak's own configuration). */
    @Override
    public String toString() {
        return "AppUsersConfig{datasource=" + datasource + ", schema=" + dbSchema + ", userTable=" + userTable + ", id=" + userIdColumn
                + ", username=" + usernameColumn + ", email=" + emailColumn + ", passwordHash=" + passwordHashColumn
                + ", enabled=" + enabledColumn + ", emailVerified=" + emailVerifiedColumn + ", firstName="
                + firstNameColumn + ", lastName=" + lastNameColumn + ", editMode=" + editMode + ", queryTimeout="
                + queryTimeoutSeconds + "s, hashCostLimits=" + costLimits + ", write=" + write + ", attributes=" + userAttributeColumns + ", roles=" + roles + ", changeTable=" + changeTable + "}";
    }
}
