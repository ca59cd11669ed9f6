package dev.appusers.keycloak.config;

import java.util.Map;

/**
 * The default of every configuration key that has one (the Litestar-Users layout), declared once: the admin form
 * shows it ({@link ConfigProperties}) and the parser takes it for an absent key ({@link AppUsersConfig}, with its
 * {@link RolesConfig} and {@link WriteConfig}). Values are as the form holds them: text.
 */
public final class ConfigDefaults {

    private static final Map<String, String> BY_KEY = Map.ofEntries(
            Map.entry(ConfigKeys.DATASOURCE, "appdb"),
            Map.entry(ConfigKeys.USER_TABLE, "user"),
            Map.entry(ConfigKeys.USER_ID_COLUMN, "id"),
            Map.entry(ConfigKeys.USERNAME_COLUMN, "email"),
            Map.entry(ConfigKeys.EMAIL_COLUMN, "email"),
            Map.entry(ConfigKeys.PASSWORD_HASH_COLUMN, "password_hash"),
            Map.entry(ConfigKeys.ENABLED_COLUMN, "is_active"),
            Map.entry(ConfigKeys.EMAIL_VERIFIED_COLUMN, "is_verified"),
            Map.entry(ConfigKeys.EDIT_MODE, EditMode.READ_ONLY.name()),
            Map.entry(ConfigKeys.PASSWORD_HASH_SCHEME, "argon2"),
            // on, as the app's own CryptContext(deprecated="auto") rewrites old hashes at sign-in
            Map.entry(ConfigKeys.UPGRADE_HASHES_ON_LOGIN, "true"),
            Map.entry(ConfigKeys.SYNC_REGISTRATIONS, "false"),
            Map.entry(ConfigKeys.DELETE_ENABLED, "false"),
            Map.entry(ConfigKeys.QUERY_TIMEOUT_SECONDS, "5"),
            Map.entry(ConfigKeys.ROLES_ENABLED, "true"),
            Map.entry(ConfigKeys.ROLE_TABLE, "role"),
            Map.entry(ConfigKeys.ROLE_ID_COLUMN, "id"),
            Map.entry(ConfigKeys.ROLE_NAME_COLUMN, "name"),
            Map.entry(ConfigKeys.ROLE_DESCRIPTION_COLUMN, "description"),
            Map.entry(ConfigKeys.USER_ROLE_TABLE, "user_role"),
            Map.entry(ConfigKeys.USER_ROLE_USER_COLUMN, "user_id"),
            Map.entry(ConfigKeys.USER_ROLE_ROLE_COLUMN, "role_id"),
            Map.entry(ConfigKeys.CHANGE_TABLE, "app_users_changes"));

    private ConfigDefaults() {
    }

    /** The default of {@code key}, or null when it has none (absent: not mapped, or empty). */
    public static String of(String key) {
        return BY_KEY.get(key);
    }

    /** The keys that have a default. */
    public static java.util.Set<String> keys() {
        return BY_KEY.keySet();
    }

    static boolean flag(String key) {
        return Boolean.parseBoolean(required(key));
    }

    static int number(String key) {
        return Integer.parseInt(required(key));
    }

    private static String required(String key) {
        String value = BY_KEY.get(key);
        if (value == null) {
            throw new IllegalArgumentException(key + " has no default");
        }
        return value;
    }
}
