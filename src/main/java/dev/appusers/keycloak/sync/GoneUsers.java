package dev.appusers.keycloak.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserManager;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.storage.UserStoragePrivateUtil;
import org.keycloak.storage.user.SynchronizationResult;

/** After a full sync: the imported users whose app rows are gone are removed, a batch per transaction. */
final class GoneUsers {

    private static final Logger LOG = Logger.getLogger(GoneUsers.class);

    private GoneUsers() {
    }

    /**
     * @param seen the Keycloak ids of the users the sync read (or could not read) from the app's table
     * @param result counts each removed user (the pages' threads add to it too)
     */
    static void remove(KeycloakSessionFactory factory, String realmId, String componentId, String componentName,
                       Set<String> seen, SynchronizationResult result, int batchSize) {
        List<String> gone = KeycloakModelUtils.runJobInTransactionWithResult(factory, session -> LinkedUsers
                .ids(session, realmId, componentId).stream()
                .filter(id -> !seen.contains(id)).toList());
        for (int from = 0; from < gone.size(); from += batchSize) {
            List<String> batch = new ArrayList<>(gone.subList(from, Math.min(gone.size(), from + batchSize)));
            KeycloakModelUtils.runJobInTransaction(factory, session -> {
                RealmModel realm = session.realms().getRealm(realmId);
                session.getContext().setRealm(realm);
                for (String id : batch) {
                    UserModel user = UserStoragePrivateUtil.userLocalStorage(session).getUserById(realm, id);
                    if (user != null && new UserManager(session).removeUser(realm, user,
                            UserStoragePrivateUtil.userLocalStorage(session))) {
                        LOG.debugf("Sync of %s: removed user %s, whose app row is gone", componentName, id);
                        result.increaseRemoved();
                    }
                }
            });
        }
    }
}
