package dev.appusers.keycloak;

import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.cache.CachedUserModel;
import org.keycloak.models.cache.UserCache;

import dev.appusers.keycloak.roles.KeycloakRoles;
import dev.appusers.keycloak.store.MappedFields;

/**
 * At sign-in the password check reads the user's current row anyway: when Keycloak's cached copy of the user differs
 * from it (enabled, username, email, email verified, names, mapped attributes, app roles), the copy is evicted, so
 * that this sign-in (and the token it issues) already uses the current row, and the next ones read it again.
 */
final class CachedCopy {

    private static final Logger LOG = Logger.getLogger(CachedCopy.class);

    private CachedCopy() {
    }

    /**
     * @param current the user as the app's tables have it now, {@code null} when its row is gone
     * @return whether the app disabled the user since Keycloak cached it: {@link #disabledSince}
     */
    static boolean evictIfStale(KeycloakSession session, RealmModel realm, UserModel user, AppUserAdapter current,
                                MappedFields mapped, Optional<KeycloakRoles> roles) {
        boolean disabled = disabledSince(user, current);
        if (!(user instanceof CachedUserModel cached) || current != null && matches(cached, current, mapped, roles)) {
            return disabled;
        }
        UserCache cache = session.getProvider(UserCache.class);
        if (cache != null) {
            cache.evict(realm, cached); // from here on the copy answers from the current row
            LOG.debugf("Cached copy of user %s differed from the app's row at sign-in: evicted", user.getId());
        }
        return disabled;
    }

    /**
     * Whether Keycloak let the user on to the password check on its cached copy's "enabled" while the row says
     * disabled: the right password is then answered as Keycloak answers its own disabled users ({@link
     * AccountDisabled}), never as a sign-in.
     */
    static boolean disabledSince(UserModel user, AppUserAdapter current) {
        return user != current && current != null && user.isEnabled() && !current.isEnabled();
    }

    static boolean matches(UserModel cached, AppUserAdapter current, MappedFields mapped,
                           Optional<KeycloakRoles> roles) {
        if (!Objects.equals(cached.getUsername(), current.getUsername())
                || !Objects.equals(cached.getEmail(), current.getEmail())
                || cached.isEnabled() != current.isEnabled()
                || cached.isEmailVerified() != current.isEmailVerified()
                || !Objects.equals(cached.getFirstName(), current.getFirstName())
                || !Objects.equals(cached.getLastName(), current.getLastName())) {
            return false;
        }
        for (String attribute : mapped.attributes().keySet()) {
            if (!Objects.equals(cached.getFirstAttribute(attribute), current.getFirstAttribute(attribute))) {
                return false;
            }
        }
        if (roles.isEmpty()) {
            return true;
        }
        // the cached mappings also hold Keycloak's own (default roles, grants kept by Keycloak): every current app
        // role must be among them, and every cached role this component created must still be an app role
        Set<String> now = current.getRoleMappingsInternal().stream().map(RoleModel::getId).collect(Collectors.toSet());
        Set<String> then = new HashSet<>();
        for (RoleModel role : cached.getRoleMappingsStream().filter(roles.get()::contains).toList()) {
            then.add(role.getId());
            if (!now.contains(role.getId()) && roles.get().isOwned(role)) {
                return false;
            }
        }
        return then.containsAll(now);
    }
}
