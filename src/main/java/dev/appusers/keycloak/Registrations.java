package dev.appusers.keycloak;

import java.security.SecureRandom;
import java.util.Base64;

import org.jboss.logging.Logger;
import org.keycloak.models.ModelException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.storage.StorageId;

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
     * Deletes an app user's row and its user_role rows (WRITABLE with deleteEnabled); otherwise logs why not.
     *
     * @return whether the row was deleted (Keycloak answers "User couldn't be deleted" otherwise and rolls back)
     */
    boolean delete(UserModel user, String componentName, ComponentMapping mapping, AppDatabase database,
                   SessionUsers loaded) {
        if (!mapping.config().writable() || !mapping.config().write().deleteEnabled()) {
            LOG.warnf("User %s was not deleted: deleting it would delete the app's row, which the app-users provider "
                    + "%s does not allow (set editMode WRITABLE and deleteEnabled to allow it)", user.getId(),
                    componentName);
            return false;
        }
        String id = StorageId.externalId(user.getId());
        database.write("deleting a user", c -> {
            mapping.writer().delete(c, id);
            return null;
        });
        mapping.total().forget();
        loaded.forget(id);
        return true;
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
