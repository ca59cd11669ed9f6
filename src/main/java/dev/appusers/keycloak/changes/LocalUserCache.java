package dev.appusers.keycloak.changes;

import java.lang.reflect.Method;
import java.util.Map;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.Provider;

/**
 * Whether this node's Keycloak user cache holds a user, without loading it: a look at the local Infinispan cache
 * {@code users} (keyed by user id) that Keycloak's {@code UserCacheSession} reads, through the public
 * {@code InfinispanConnectionProvider}. Keycloak's {@code UserCache} offers no such question: its {@code getUserById}
 * loads a user it has not cached, and for an imported user that means reading Keycloak's database and validating
 * the user against the app's row. The provider is reached by name, as this jar does not compile against
 * Keycloak's Infinispan module; where it cannot be reached, every user counts as possibly cached.
 */
final class LocalUserCache {

    private static final Logger LOG = Logger.getLogger(LocalUserCache.class);
    private static final String PROVIDER = "org.keycloak.connections.infinispan.InfinispanConnectionProvider";
    private static final String USER_CACHE_NAME = "users";

    private static volatile Lookup lookup;

    private record Lookup(Class<? extends Provider> type, Method getCache) {
    }

    private LocalUserCache() {
    }

    /** False only when the node's user cache certainly does not hold the id. */
    static boolean mayHold(KeycloakSession session, String userId) {
        Map<?, ?> cache = cache(session);
        return cache == null || cache.containsKey(userId);
    }

    private static Map<?, ?> cache(KeycloakSession session) {
        Lookup found = lookup();
        if (found == null) {
            return null;
        }
        try {
            Provider provider = session.getProvider(found.type());
            Object cache = provider == null ? null : found.getCache().invoke(provider, USER_CACHE_NAME);
            return cache instanceof Map<?, ?> map ? map : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debugf("Keycloak's user cache cannot be looked at (%s); evicting through UserCache alone", e);
            return null;
        }
    }

    private static Lookup lookup() {
        Lookup found = lookup;
        if (found == null) {
            try {
                Class<? extends Provider> type = Class.forName(PROVIDER, false, LocalUserCache.class.getClassLoader())
                        .asSubclass(Provider.class);
                found = new Lookup(type, type.getMethod("getCache", String.class));
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                LOG.debugf("%s not found (%s); evicting through UserCache alone", PROVIDER, e);
                found = new Lookup(null, null);
            }
            lookup = found;
        }
        return found.type() == null ? null : found;
    }
}
