package dev.appusers.keycloak;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The app users one Keycloak session has read, so that asking for the same user again within a request costs no
 * statement. The most recently used are kept, at most {@value #MAX}: more than a page of the admin console or one
 * of Keycloak's chunked walks, so a walk over a whole table does not keep the table in memory.
 */
final class SessionUsers {

    static final int MAX = 2_000;

    private final Map<String, AppUserAdapter> byAppId = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, AppUserAdapter> eldest) {
            return size() > MAX;
        }
    };

    /** Column and lower-cased value pairs that matched no row in this session (at most {@value #MAX}). */
    private final Set<String> missing = new HashSet<>();

    AppUserAdapter byAppId(String appId) {
        return byAppId.get(appId);
    }

    AppUserAdapter where(Predicate<AppUserAdapter> test) {
        return byAppId.values().stream().filter(test).findFirst().orElse(null);
    }

    void remember(AppUserAdapter user) {
        byAppId.put(user.row().id(), user);
        missing.clear(); // a user added in this session may be one that was missing
    }

    void forget(String appId) {
        byAppId.remove(appId);
        missing.clear();
    }

    /** Whether a lookup of {@code value} in {@code column} found no row earlier in this session. */
    boolean isMissing(String column, String value) {
        return missing.contains(key(column, value));
    }

    void rememberMissing(String column, String value) {
        if (missing.size() < MAX) {
            missing.add(key(column, value));
        }
    }

    private static String key(String column, String value) {
        return column + '\u0000' + value.toLowerCase(java.util.Locale.ROOT);
    }

    int size() {
        return byAppId.size();
    }
}
