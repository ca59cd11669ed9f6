package dev.appusers.keycloak.password;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the integer parameters of {@link PasswordSchemes#hashingScheme(String, Map)}: only the names a scheme
 * knows, each a decimal integer; a missing, {@code null} or blank value means the default.
 */
final class HashingParams {

    private final String scheme;
    private final Map<String, String> params;

    private HashingParams(String scheme, Map<String, String> params) {
        this.scheme = scheme;
        this.params = params;
    }

    /**
     * @throws IllegalArgumentException if {@code params} holds a name not in {@code allowed}
     */
    static HashingParams of(String scheme, Map<String, String> params, Set<String> allowed) {
        Map<String, String> safe = params == null ? Map.of() : params;
        Set<String> unknown = new TreeSet<>();
        for (String name : safe.keySet()) {
            if (!allowed.contains(name)) {
                unknown.add(String.valueOf(name));
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("Unknown " + scheme + " parameter(s) " + unknown
                    + "; allowed: " + new TreeSet<>(allowed));
        }
        return new HashingParams(scheme, safe);
    }

    /**
     * @throws IllegalArgumentException if the value is not a decimal integer
     */
    int intValue(String name, int defaultValue) {
        String value = params.get(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    scheme + " parameter '" + name + "' must be an integer, got '" + value.trim() + "'");
        }
    }
}
