package dev.appusers.keycloak;

import java.security.SecureRandom;
import java.util.Base64;

import org.jboss.logging.Logger;
import org.keycloak.models.ModelException;
import org.keycloak.models.RealmModel;

import dev.appusers.keycloak.jdbc.AppDatabase;
import dev.appusers.keycloak.jdbc.SchemaException;

/**
 * Inserts users created in Keycloak into the app's user table (WRITABLE with syncRegistrations). The row starts with
 * the hash of a random password nobody knows, so the app's NOT NULL hash column is valid and no one can sign in until
 * Keycloak sets the user's password (in the same transaction when the admin or the registration form gives one).
 */
final class Registrations {

    private static final Logger LOG = Logger.getLogger(Registrations.class);
    private static final SecureRandom RANDOM = new SecureRandom();

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
