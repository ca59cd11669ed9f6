package dev.appusers.keycloak.config;

import java.util.Arrays;
import java.util.List;

import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

import dev.appusers.keycloak.password.CostLimits;

/** The admin console form of the {@code app-users} provider: every key with its label, help text and default. */
public final class ConfigProperties {

    /** The read-only status lines the provider writes on save and the admin only reads. */
    public static final List<String> STATUSES = List.of(ConfigKeys.CHANGE_FEED, ConfigKeys.READINESS,
            ConfigKeys.HASH_UPGRADES);

    private static final List<ProviderConfigProperty> PROPERTIES = ProviderConfigurationBuilder.create()
            .property().name(ConfigKeys.DATASOURCE).label("Datasource")
            .helpText("The Keycloak named datasource of the app database, set up with Keycloak's options "
                    + "db-kind-<name>, db-url-full-<name>, db-username-<name> and db-password-<name>. One datasource "
                    + "per app database; several components may federate several apps.")
            .type(ProviderConfigProperty.STRING_TYPE)
            .defaultValue(ConfigDefaults.of(ConfigKeys.DATASOURCE)).required(true)
            .add()
            .property().name(ConfigKeys.DB_SCHEMA).label("Database schema")
            .helpText("Schema (PostgreSQL) or database (MariaDB/MySQL) that holds the app's tables. "
                    + "Empty: the datasource's default schema.")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .property().name(ConfigKeys.USER_TABLE).label("User table")
            .helpText("Table of the app's users (Litestar-Users: user). Matched case-insensitively and quoted as the "
                    + "database needs.")
            .type(ProviderConfigProperty.STRING_TYPE)
            .defaultValue(ConfigDefaults.of(ConfigKeys.USER_TABLE)).required(true).add()
            .property().name(ConfigKeys.USER_ID_COLUMN).label("User id column")
            .helpText("Primary key of the user table: a UUID stored as uuid, BINARY(16), CHAR(32) or CHAR(36). "
                    + "The Keycloak user id is f:<component id>:<UUID>.")
            .type(ProviderConfigProperty.STRING_TYPE)
            .defaultValue(ConfigDefaults.of(ConfigKeys.USER_ID_COLUMN)).required(true).add()
            .property().name(ConfigKeys.USERNAME_COLUMN).label("Username column")
            .helpText("Column users sign in with; looked up case-insensitively. Litestar-Users signs in by email.")
            .type(ProviderConfigProperty.STRING_TYPE)
            .defaultValue(ConfigDefaults.of(ConfigKeys.USERNAME_COLUMN)).required(true).add()
            .property().name(ConfigKeys.EMAIL_COLUMN).label("Email column")
            .helpText("Column holding the user's email; looked up case-insensitively. Empty: not mapped.")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue(ConfigDefaults.of(ConfigKeys.EMAIL_COLUMN)).add()
            .property().name(ConfigKeys.PASSWORD_HASH_COLUMN).label("Password hash column")
            .helpText("Column holding the hash the app wrote (argon2, bcrypt, bcrypt-sha256, pbkdf2-sha256/512, "
                    + "sha256/512-crypt, recognised by prefix). Never shown, logged or mapped as an attribute. "
                    + "Empty: federated users cannot sign in with a password.")
            .type(ProviderConfigProperty.STRING_TYPE)
            .defaultValue(ConfigDefaults.of(ConfigKeys.PASSWORD_HASH_COLUMN)).add()
            .property().name(ConfigKeys.ENABLED_COLUMN).label("Enabled column")
            .helpText("Boolean column; false disables the user in Keycloak (Litestar-Users: is_active). "
                    + "Empty: every user is enabled.")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue(ConfigDefaults.of(ConfigKeys.ENABLED_COLUMN)).add()
            .property().name(ConfigKeys.EMAIL_VERIFIED_COLUMN).label("Email verified column")
            .helpText("Boolean column read as Keycloak's 'email verified' (Litestar-Users: is_verified). "
                    + "Empty: emails are treated as not verified.")
            .type(ProviderConfigProperty.STRING_TYPE)
            .defaultValue(ConfigDefaults.of(ConfigKeys.EMAIL_VERIFIED_COLUMN)).add()
            .property().name(ConfigKeys.FIRST_NAME_COLUMN).label("First name column")
            .helpText("Column mapped to Keycloak's first name. Empty: not mapped.")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .property().name(ConfigKeys.LAST_NAME_COLUMN).label("Last name column")
            .helpText("Column mapped to Keycloak's last name. Empty: not mapped.")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .property().name(ConfigKeys.EDIT_MODE).label("Edit mode")
            .helpText("READ_ONLY: Keycloak reads the app's tables and refuses changes to mapped fields, "
                    + "passwords and app roles. WRITABLE: Keycloak writes those changes to the app's tables in its own "
                    + "transaction, in a form the app accepts.")
            .type(ProviderConfigProperty.LIST_TYPE)
            .options(Arrays.stream(EditMode.values()).map(Enum::name).toList())
            .defaultValue(ConfigDefaults.of(ConfigKeys.EDIT_MODE)).add()
            .property().name(ConfigKeys.PASSWORD_HASH_SCHEME).label("Password hash scheme (WRITABLE)")
            .helpText("Scheme of the hashes Keycloak writes when a password changes: argon2 (Litestar-Users' "
                    + "default, argon2id), bcrypt ($2b$) or pbkdf2-sha256 (passlib). Any supported scheme still "
                    + "verifies.")
            .type(ProviderConfigProperty.LIST_TYPE).options("argon2", "bcrypt", "pbkdf2-sha256")
            .defaultValue(ConfigDefaults.of(ConfigKeys.PASSWORD_HASH_SCHEME)).add()
            .property().name(ConfigKeys.PASSWORD_HASH_PARAMETERS).label("Password hash parameters (WRITABLE)")
            .helpText("Parameters of the scheme, as name=value pairs: argon2 m=102400,t=2,p=8 (memory KiB, "
                    + "iterations, lanes: Litestar-Users' defaults); bcrypt rounds=12; pbkdf2-sha256 rounds=29000. "
                    + "Empty: those defaults.")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .property().name(ConfigKeys.UPGRADE_HASHES_ON_LOGIN).label("Upgrade old hashes at sign-in (WRITABLE)")
            .helpText("On: when a user signs in with the right password and the app's hash is of another scheme or "
                    + "other parameters than the two settings above (an old bcrypt, argon2 with less memory), Keycloak "
                    + "rewrites it in the configured form, as the app's CryptContext(deprecated=\"auto\") would: one "
                    + "extra hash and one UPDATE per user, once. A failed rewrite never fails the sign-in (it is logged "
                    + "and tried again at the next one). Off: the app's hashes stay as they are. READ_ONLY never writes.")
            .type(ProviderConfigProperty.BOOLEAN_TYPE)
            .defaultValue(ConfigDefaults.of(ConfigKeys.UPGRADE_HASHES_ON_LOGIN)).add()
            .property().name(ConfigKeys.SYNC_REGISTRATIONS).label("Sync registrations (WRITABLE)")
            .helpText("On: users created in Keycloak (admin console, admin API, self-registration) are inserted into "
                    + "the app's user table. Off: they stay Keycloak's own users, as in Keycloak's LDAP federation.")
            .type(ProviderConfigProperty.BOOLEAN_TYPE)
            .defaultValue(ConfigDefaults.of(ConfigKeys.SYNC_REGISTRATIONS)).add()
            .property().name(ConfigKeys.DELETE_ENABLED).label("Delete users in the app (WRITABLE)")
            .helpText("On: deleting an app user in Keycloak deletes the row and its user-role rows. Off: the "
                    + "deletion is refused.")
            .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue(ConfigDefaults.of(ConfigKeys.DELETE_ENABLED)).add()
            .property().name(ConfigKeys.INSERT_DEFAULTS).label("Defaults for new rows (WRITABLE)")
            .helpText("column=value for the app's other NOT NULL columns without a database default, used when "
                    + "Keycloak inserts a user.")
            .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).add()
            .property().name(ConfigKeys.QUERY_TIMEOUT_SECONDS).label("Query timeout (seconds)")
            .helpText("A statement on the app database that runs longer than this is cancelled, so a locked or slow "
                    + "database cannot hold Keycloak's request threads. 1 to 300.")
            .type(ProviderConfigProperty.STRING_TYPE)
            .defaultValue(ConfigDefaults.of(ConfigKeys.QUERY_TIMEOUT_SECONDS)).add()
            .property().name(ConfigKeys.HASH_COST_LIMITS).label("Password hash cost limits")
            .helpText("Ceilings on the work a stored hash may ask for, as name=value pairs: bcrypt (cost, also "
                    + "bcrypt-sha256), pbkdf2 (rounds), sha-crypt (rounds), argon2-t (iterations), argon2-work (t*m "
                    + "in KiB-iterations). A user whose hash is over one cannot sign in (one warning names the user "
                    + "and the ceiling). Argon2 memory is limited to half of Keycloak's heap. Empty: "
                    + CostLimits.defaults() + " (several times what Python libraries write).")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .property().name(ConfigKeys.USER_ATTRIBUTE_COLUMNS).label("User attribute columns")
            .helpText("Columns of the user table that become user attributes, usable in the user profile, in token "
                    + "mappers and in attribute search: 'column' or 'column:attributeName'; '*' maps every column not "
                    + "otherwise mapped. The password hash column can never be mapped.")
            .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).add()
            .property().name(ConfigKeys.ROLE_ATTRIBUTE_COLUMNS).label("Role attribute columns")
            .helpText("Columns of the role table that become attributes of the Keycloak roles made for the app's "
                    + "roles: 'column' or 'column:attributeName'; '*' maps every column not otherwise mapped.")
            .type(ProviderConfigProperty.MULTIVALUED_STRING_TYPE).add()
            .property().name(ConfigKeys.ROLES_ENABLED).label("Map the app's roles")
            .helpText("On: the roles in the app's role and user_role tables become Keycloak roles and land in the "
                    + "tokens of the app's users. Off: no role mapping at all.")
            .type(ProviderConfigProperty.BOOLEAN_TYPE).defaultValue(ConfigDefaults.of(ConfigKeys.ROLES_ENABLED)).add()
            .property().name(ConfigKeys.ROLE_TABLE).label("Role table")
            .helpText("Table of the app's roles (Litestar-Users: role).")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue(ConfigDefaults.of(ConfigKeys.ROLE_TABLE)).add()
            .property().name(ConfigKeys.ROLE_ID_COLUMN).label("Role id column")
            .helpText("Primary key of the role table, referenced by the user-role table.")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue(ConfigDefaults.of(ConfigKeys.ROLE_ID_COLUMN)).add()
            .property().name(ConfigKeys.ROLE_NAME_COLUMN).label("Role name column")
            .helpText("Column whose value is the Keycloak role's name.")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue(ConfigDefaults.of(ConfigKeys.ROLE_NAME_COLUMN)).add()
            .property().name(ConfigKeys.ROLE_DESCRIPTION_COLUMN).label("Role description column")
            .helpText("Column copied into the Keycloak role's description. Empty: not mapped.")
            .type(ProviderConfigProperty.STRING_TYPE)
            .defaultValue(ConfigDefaults.of(ConfigKeys.ROLE_DESCRIPTION_COLUMN)).add()
            .property().name(ConfigKeys.USER_ROLE_TABLE).label("User-role table")
            .helpText("Table linking users to roles (Litestar-Users: user_role).")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue(ConfigDefaults.of(ConfigKeys.USER_ROLE_TABLE)).add()
            .property().name(ConfigKeys.USER_ROLE_USER_COLUMN).label("User-role user column")
            .helpText("Column of the user-role table that references the user's id.")
            .type(ProviderConfigProperty.STRING_TYPE)
            .defaultValue(ConfigDefaults.of(ConfigKeys.USER_ROLE_USER_COLUMN)).add()
            .property().name(ConfigKeys.USER_ROLE_ROLE_COLUMN).label("User-role role column")
            .helpText("Column of the user-role table that references the role's id.")
            .type(ProviderConfigProperty.STRING_TYPE)
            .defaultValue(ConfigDefaults.of(ConfigKeys.USER_ROLE_ROLE_COLUMN)).add()
            .property().name(ConfigKeys.ROLE_CLIENT_ID).label("Client for the app's roles")
            .helpText("Empty: the app's roles are realm roles (realm_access.roles in tokens). A client id: they are "
                    + "that client's roles (resource_access.<client>.roles).")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .property().name(ConfigKeys.LAST_MODIFIED_COLUMN).label("Last modified column (import)")
            .helpText("Import mode: a timestamp column the app sets on every change of a user (Advanced Alchemy: "
                    + "updated_at). 'Sync changed users' reads the rows changed since the last sync through it. "
                    + "Empty: only 'Sync all users' is offered.")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .property().name(ConfigKeys.CHANGE_TABLE).label("Change table")
            .helpText("Table the app's triggers fill with the id of every user whose row or roles changed (see "
                    + "docs/change-feed.md in the project). Each Keycloak node polls it every second and evicts "
                    + "those users from its cache, so the app's changes take effect with the DEFAULT cache policy. "
                    + "Not there: changes are seen when Keycloak evicts the user. Empty: no polling.")
            .type(ProviderConfigProperty.STRING_TYPE).defaultValue(ConfigDefaults.of(ConfigKeys.CHANGE_TABLE)).add()
            .property().name(ConfigKeys.CHANGE_FEED).label("Change feed (status)")
            .helpText("Written when the component is saved: 'active' when the change table was found and is polled, "
                    + "'not installed' when it was not (the SQL scripts of docs/change-feed.md in the project "
                    + "install it).")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .property().name(ConfigKeys.READINESS).label("Readiness (status)")
            .helpText("Written when the component is saved: 'independent of the app database' when Keycloak's "
                    + "readiness check leaves the datasource out, 'follows the app database' when an outage of the "
                    + "app database would turn Keycloak's /health/ready DOWN and take every pod out of service, with "
                    + "the server setting that prevents it (README, Install).")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .property().name(ConfigKeys.HASH_UPGRADES).label("Old password hashes (status)")
            .helpText("Written when the component is saved: how many of the app's users have a password hash that is "
                    + "not in the configured scheme and parameters, and whether Keycloak rewrites each at its user's "
                    + "next sign-in (WRITABLE with 'Upgrade old hashes at sign-in') or leaves it.")
            .type(ProviderConfigProperty.STRING_TYPE).add()
            .build();

    static {
        // written by the provider on save, shown to the admin
        PROPERTIES.stream().filter(p -> STATUSES.contains(p.getName())).forEach(p -> p.setReadOnly(true));
    }

    private ConfigProperties() {
    }

    public static List<ProviderConfigProperty> all() {
        return PROPERTIES;
    }
}
