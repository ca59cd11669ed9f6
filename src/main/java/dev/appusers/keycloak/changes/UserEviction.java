package dev.appusers.keycloak.changes;

import java.util.Collection;

import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.cache.CachedUserModel;
import org.keycloak.models.cache.UserCache;
import org.keycloak.storage.StorageId;
import org.keycloak.storage.UserStorageProviderModel;

import dev.appusers.keycloak.sync.ImportedUser;

/**
 * Evicts app users from this node's Keycloak user cache through {@link UserCache}, so that Keycloak's own cluster
 * invalidation carries the eviction to the other nodes as well. Only users this node has cached are touched: while
 * evicting, the provider answers "not found" instead of reading the app database ({@link #cachedCopiesOnly}), so an
 * eviction costs no statement and caches nothing new.
 *
 * <p>In import mode the cached users are the imported ones ({@link ImportedUser#keycloakId}): evicted, the next load
 * validates them against the app's row and roles. Keycloak would load an imported user it has not cached from its own
 * database (and validate it), so the node's cache is looked at first ({@link LocalUserCache}) and a user it does not
 * hold costs nothing. Should Keycloak load one all the same (its cache entry expired meanwhile), the provider hands
 * it over unvalidated while evicting, and it is evicted at once.
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
        boolean imported = new UserStorageProviderModel(component).isImportEnabled();
        session.setAttribute(CACHED_COPIES_ONLY, Boolean.TRUE);
        try {
            int evicted = 0;
            for (String appId : appIds) {
                String id = imported ? ImportedUser.keycloakId(component.getId(), appId)
                        : StorageId.keycloakId(component, appId);
                if (imported && !LocalUserCache.mayHold(session, id)) {
                    continue;
                }
                UserModel cached = cache.getUserById(realm, id);
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
