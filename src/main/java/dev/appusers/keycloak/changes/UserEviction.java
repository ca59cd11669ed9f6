package dev.appusers.keycloak.changes;

import java.util.Collection;

import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.cache.CachedUserModel;
import org.keycloak.models.cache.UserCache;
import org.keycloak.storage.StorageId;

/**
 * Evicts app users from this node's Keycloak user cache through {@link UserCache}, so that Keycloak's own cluster
 * invalidation carries the eviction to the other nodes as well. Only users this node has cached are touched: while
 * evicting, the provider answers "not found" instead of reading the app database ({@link #cachedCopiesOnly}), so an
 * eviction costs no statement and caches nothing new.
 */
public final class UserEviction {

    private static final String CACHED_COPIES_ONLY = "app-users.cachedCopiesOnly";

    private UserEviction() {
    }

    /** Whether the provider is asked by an eviction, and must not read the app database. */
    public static boolean cachedCopiesOnly(KeycloakSession session) {
        return session.getAttribute(CACHED_COPIES_ONLY) != null;
    }

    /** @return how many of the users were cached here (and are evicted now) */
    static int evict(KeycloakSession session, RealmModel realm, ComponentModel component, Collection<String> appIds) {
        UserCache cache = session.getProvider(UserCache.class);
        if (cache == null || appIds.isEmpty()) {
            return 0;
        }
        session.setAttribute(CACHED_COPIES_ONLY, Boolean.TRUE);
        try {
            int evicted = 0;
            for (String appId : appIds) {
                UserModel cached = cache.getUserById(realm, StorageId.keycloakId(component, appId));
                if (cached instanceof CachedUserModel) {
                    cache.evict(realm, cached); // registers the invalidation with the cached username and email
                    evicted++;
                }
            }
            return evicted;
        } finally {
            session.removeAttribute(CACHED_COPIES_ONLY);
        }
    }

    /** Every user of the realm, on every node: when changes may have been lost. */
    static void evictRealm(KeycloakSession session, RealmModel realm) {
        UserCache cache = session.getProvider(UserCache.class);
        if (cache != null) {
            cache.evict(realm);
        }
    }
}
