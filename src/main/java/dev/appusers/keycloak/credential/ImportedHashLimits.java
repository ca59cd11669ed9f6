package dev.appusers.keycloak.credential;

import java.util.List;
import java.util.Optional;

import org.jboss.logging.Logger;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.storage.UserStorageProvider;

import dev.appusers.keycloak.config.AppUsersConfig;
import dev.appusers.keycloak.config.ConfigKeys;
import dev.appusers.keycloak.config.InvalidConfigException;
import dev.appusers.keycloak.password.CostLimits;

/**
 * The {@code hashCostLimits} that apply to an imported credential checked by its {@code app-*} hash provider alone,
 * which Keycloak tells neither the user nor the component: those of the component that imported it (recorded in the
 * credential, {@link AppHashes#componentOf}); for a credential imported before that was recorded, or whose component is
 * gone, the most permissive of the realm's {@code app-users} components ({@link CostLimits#widest}), since any of them
 * may have imported it; with none, the defaults. A linked user's password is checked by its own component first
 * ({@link CheckedPasswords}): this is for users unlinked from their component. The realm's components come from
 * Keycloak's realm cache, and parsing the one setting costs microseconds against the hash's milliseconds.
 */
final class ImportedHashLimits {

    private static final Logger LOG = Logger.getLogger(ImportedHashLimits.class);

    private ImportedHashLimits() {
    }

    static CostLimits of(KeycloakSession session, PasswordCredentialModel credential) {
        RealmModel realm = session == null ? null : session.getContext().getRealm();
        if (realm == null) {
            return CostLimits.defaults();
        }
        Optional<ComponentModel> recorded = AppHashes.componentOf(credential).map(realm::getComponent)
                .filter(ImportedHashLimits::isAppUsers);
        if (recorded.isPresent()) {
            return limitsOf(recorded.get());
        }
        List<CostLimits> all = realm.getComponentsStream(realm.getId(), UserStorageProvider.class.getName())
                .filter(ImportedHashLimits::isAppUsers).map(ImportedHashLimits::limitsOf).toList();
        return CostLimits.widest(all);
    }

    private static boolean isAppUsers(ComponentModel component) {
        return ConfigKeys.PROVIDER_ID.equals(component.getProviderId());
    }

    private static CostLimits limitsOf(ComponentModel component) {
        try {
            return AppUsersConfig.costLimitsOf(component);
        } catch (InvalidConfigException e) {
            LOG.warnf("User federation %s: %s; its imported passwords are checked with the default limits",
                    component.getName(), e.getMessage());
            return CostLimits.defaults();
        }
    }
}
