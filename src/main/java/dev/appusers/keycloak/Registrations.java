package dev.appusers.keycloak;

import java.security.SecureRandom;
import java.util.Base64;

import org.jboss.logging.Logger;
import org.keycloak.models.ModelException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionProviderModel;
import org.keycloak.models.UserModel;

import dev.appusers.keycloak.jdbc.AppDatabase;
import dev.appusers.keycloak.jdbc.SchemaException;

/**
 * Inserts users created in Keycloak into the app's user table (WRITABLE with syncRegistrations), and deletes users
 * deleted in Keycloak from it (WRITABLE with deleteEnabled). The row starts with
 * the hash of a random password nobody knows, so the app's NOT NULL hash column is valid and no one can sign in until
 * Keycloak sets the user's password (in the same transaction when the admin or the registration form gives one).
 */
final class Registrations {

    private static final Logger LOG = Logger.getLogger(Registrations.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Deletes the row of the app user {@code appId} and its user_role rows (WRITABLE with deleteEnabled); otherwise
     * logs why not.
     *
     * @return whether the row was deleted (Keycloak answers "User couldn't be deleted" otherwise and rolls back)
     */
    boolean delete(UserModel user, String appId, String componentName, ComponentMapping mapping,
                   AppDatabase database) {
        if (!mapping.config().writable() || !mapping.config().write().deleteEnabled()) {
            LOG.warnf("User %s was not deleted: deleting it would delete the app's row, which the app-users provider "
                    + "%s does not allow (set editMode WRITABLE and deleteEnabled to allow it)", user.getId(),
                    componentName);
            return false;
        }
        database.write("deleting a user", c -> {
            mapping.writer().delete(c, appId);
            return null;
        });
        mapping.total().forget();
        LOG.debugf("Deleted app user %s (Keycloak user %s) from the app's table", appId, user.getId());
        return true;
    }

    /** The realm's default required actions for a new user, as Keycloak's own {@code addUser} gives them. */
    static void requireDefaultActions(RealmModel realm, UserModel user) {
        realm.getRequiredActionProvidersStream().filter(RequiredActionProviderModel::isEnabled)
                .filter(RequiredActionProviderModel::isDefaultAction).map(RequiredActionProviderModel::getAlias)
                .forEach(user::addRequiredAction);
    }

    /** @return the new row's id */
    String insert(RealmModel realm, String username, ComponentMapping mapping, AppDatabase database) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String unusableHash = mapping.hashing().hash(Base64.getEncoder().encodeToString(secret));
        try {
            String id = database.write("inserting a user", c -> mapping.writer().insert(c, username, unusableHash));
            LOG.debugf("Inserted user %s into the app's table for realm %s", id, realm.getName());
            return id;
        } catch (SchemaException e) {
            throw new ModelException(e.getMessage());
        }
    }
}
