package dev.appusers.keycloak;

import java.util.LinkedHashMap;
import java.util.Map;
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

    AppUserAdapter byAppId(String appId) {
        return byAppId.get(appId);
    }

    AppUserAdapter where(Predicate<AppUserAdapter> test) {
        return byAppId.values().stream().filter(test).findFirst().orElse(null);
    }

    void remember(AppUserAdapter user) {
        byAppId.put(user.row().id(), user);
    }

    void forget(String appId) {
        byAppId.remove(appId);
    }

    int size() {
        return byAppId.size();
    }
}
