package dev.appusers.keycloak.config;

/**
 * The component configuration keys of the {@code app-users} provider. They are the public contract used by realm exports
 * and {@code kcadm.sh} scripts: never rename one.
 */
public final class ConfigKeys {

    /** The provider id of the {@code app-users} user storage components these keys configure. */
    public static final String PROVIDER_ID = "app-users";

    public static final String DATASOURCE = "datasource";
    public static final String DB_SCHEMA = "dbSchema";
    public static final String USER_TABLE = "userTable";
    public static final String USER_ID_COLUMN = "userIdColumn";
    public static final String USERNAME_COLUMN = "usernameColumn";
    public static final String EMAIL_COLUMN = "emailColumn";
    public static final String PASSWORD_HASH_COLUMN = "passwordHashColumn";
    public static final String ENABLED_COLUMN = "enabledColumn";
    public static final String EMAIL_VERIFIED_COLUMN = "emailVerifiedColumn";
    public static final String FIRST_NAME_COLUMN = "firstNameColumn";
    public static final String LAST_NAME_COLUMN = "lastNameColumn";
    public static final String EDIT_MODE = "editMode";
    public static final String QUERY_TIMEOUT_SECONDS = "queryTimeoutSeconds";
    public static final String HASH_COST_LIMITS = "hashCostLimits";

    public static final String PASSWORD_HASH_SCHEME = "passwordHashScheme";
    public static final String PASSWORD_HASH_PARAMETERS = "passwordHashParameters";
    /** WRITABLE: a correct password rewrites a hash that is not in the configured scheme and parameters. */
    public static final String UPGRADE_HASHES_ON_LOGIN = "upgradeHashesOnLogin";
    public static final String SYNC_REGISTRATIONS = "syncRegistrations";
    public static final String DELETE_ENABLED = "deleteEnabled";
    public static final String INSERT_DEFAULTS = "insertDefaults";
    public static final String USER_ATTRIBUTE_COLUMNS = "userAttributeColumns";
    public static final String ROLE_ATTRIBUTE_COLUMNS = "roleAttributeColumns";
    public static final String ROLES_ENABLED = "rolesEnabled";
    public static final String ROLE_TABLE = "roleTable";
    public static final String ROLE_ID_COLUMN = "roleIdColumn";
    public static final String ROLE_NAME_COLUMN = "roleNameColumn";
    public static final String ROLE_DESCRIPTION_COLUMN = "roleDescriptionColumn";
    public static final String USER_ROLE_TABLE = "userRoleTable";
    public static final String USER_ROLE_USER_COLUMN = "userRoleUserColumn";
    public static final String USER_ROLE_ROLE_COLUMN = "userRoleRoleColumn";
    public static final String ROLE_CLIENT_ID = "roleClientId";
    /** Import mode: the user table's last-modified timestamp, which "Sync changed users" reads. */
    public static final String LAST_MODIFIED_COLUMN = "lastModifiedColumn";
    public static final String CHANGE_TABLE = "changeTable";
    /** Read-only status written on save: whether the change feed is active for this component. */
    public static final String CHANGE_FEED = "changeFeed";
    /** Read-only status written on save: whether Keycloak's readiness follows this component's datasource. */
    public static final String READINESS = "readiness";
    /** Read-only status written on save: how many app hashes are not in the configured form, and what happens to them. */
    public static final String HASH_UPGRADES = "hashUpgrades";

    /** Common key of every user storage component: absent or false federates live, true imports (and syncs). */
    public static final String IMPORT_ENABLED = "importEnabled";

    private ConfigKeys() {
    }
}
