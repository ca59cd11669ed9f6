package dev.appusers.keycloak.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.appusers.keycloak.password.CostLimits;
import dev.appusers.keycloak.password.HashCostException;
import dev.appusers.keycloak.password.HashingScheme;
import dev.appusers.keycloak.password.PasswordSchemes;

/**
 * What WRITABLE mode writes: the scheme new password hashes use (Litestar-Users' default: argon2id, m=102400, t=2,
 * p=8), whether a correct password rewrites a hash of another scheme or other parameters in that scheme, whether
 * Keycloak's new users go to the app's table, whether deleting a user deletes its row, and the values of the app's NOT
 * NULL columns a new row needs.
 */
public record WriteConfig(String passwordHashScheme, Map<String, String> passwordHashParameters,
                          boolean upgradeHashesOnLogin, boolean syncRegistrations, boolean deleteEnabled,
                          Map<String, String> insertDefaults) {

    /** A new hasher for the configured scheme. */
    public HashingScheme hashingScheme() {
        return PasswordSchemes.hashingScheme(passwordHashScheme, passwordHashParameters);
    }

    /** {@code m=102400,t=2,p=8} or {@code rounds=12}. */
    static Map<String, String> parameters(String key, String value) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (value == null) {
            return parameters;
        }
        for (String pair : value.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new InvalidConfigException(key + ": '" + pair.trim() + "' is not name=value (e.g. m=102400,t=2,p=8 "
                        + "for argon2, rounds=12 for bcrypt)");
            }
            parameters.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return parameters;
    }

    /** {@code column=value} entries; the column names are checked like every configured name. */
    static Map<String, String> defaults(String key, List<String> values) {
        Map<String, String> defaults = new LinkedHashMap<>();
        for (String value : values) {
            for (String entry : value.split("##")) {
                if (entry.isBlank()) {
                    continue;
                }
                int eq = entry.indexOf('=');
                if (eq <= 0) {
                    throw new InvalidConfigException(key + ": '" + entry.trim() + "' is not column=value");
                }
                defaults.put(AppUsersConfig.checkIdentifier(key, entry.substring(0, eq).trim()),
                        entry.substring(eq + 1));
            }
        }
        return Map.copyOf(defaults);
    }

    /**
     * Checks that the scheme and its parameters can hash, and that the hashes it writes are within the cost
     * limits (else they could never be verified). @throws InvalidConfigException with the reason
     */
    void check(CostLimits limits) {
        HashingScheme scheme;
        try {
            scheme = hashingScheme();
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(ConfigKeys.PASSWORD_HASH_SCHEME + ": " + e.getMessage());
        }
        try {
            scheme.checkCost(limits);
        } catch (HashCostException e) {
            throw new InvalidConfigException(ConfigKeys.PASSWORD_HASH_PARAMETERS + ": new hashes would be refused "
                    + "at sign-in: " + e.getMessage() + " (raise " + ConfigKeys.HASH_COST_LIMITS
                    + " or lower the parameters)");
        }
    }
}
