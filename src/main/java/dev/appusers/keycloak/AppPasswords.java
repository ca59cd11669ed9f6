package dev.appusers.keycloak;

import org.jboss.logging.Logger;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelException;
import org.keycloak.models.RealmModel;
import org.keycloak.policy.PasswordPolicyManagerProvider;
import org.keycloak.policy.PolicyError;

import dev.appusers.keycloak.jdbc.AppDatabase;
import dev.appusers.keycloak.jdbc.UserRow;
import dev.appusers.keycloak.jdbc.UserWriter;
import dev.appusers.keycloak.password.PasswordSchemes;

/**
 * Checks a typed password against the hash in a user's row, and (WRITABLE) writes new hashes in the configured scheme
 * after Keycloak's password policy accepted the password. A hash in an unknown or broken format fails that user's
 * login with one log line naming the user id, never the hash or the password.
 */
final class AppPasswords {

    private static final Logger LOG = Logger.getLogger(AppPasswords.class);

    private final PasswordSchemes schemes;

    AppPasswords(PasswordSchemes schemes) {
        this.schemes = schemes;
    }

    /**
     * Writes the hash of a new password to the user's row.
     *
     * @throws ModelException with Keycloak's policy message when the realm's password policy refuses the password
     */
    void write(KeycloakSession session, RealmModel realm, AppUserAdapter user, String password,
               ComponentMapping mapping, AppDatabase database) {
        PolicyError error = session.getProvider(PasswordPolicyManagerProvider.class).validate(realm, user, password);
        if (error != null) {
            throw new ModelException(error.getMessage(), error.getParameters());
        }
        String hash = mapping.hashing().hash(password);
        String id = user.row().id();
        database.write("writing a password hash", c -> {
            mapping.writer().set(c, id, UserWriter.Field.PASSWORD_HASH, hash);
            return null;
        });
        LOG.debugf("User %s: new password hash written in scheme %s", id, mapping.hashing().id());
    }

    boolean verify(UserRow row, String password) {
        String hash = row.passwordHash();
        if (hash == null || hash.isBlank()) {
            LOG.debugf("User %s has no password hash in the app's table", row.id());
            return false;
        }
        if (password == null) {
            return false;
        }
        return switch (schemes.verify(password, hash)) {
            case MATCH -> true;
            case MISMATCH -> false;
            case UNKNOWN_SCHEME -> {
                LOG.warnf("User %s cannot sign in: the app's password hash is in a format this provider does not "
                        + "recognise (supported: bcrypt, bcrypt-sha256, argon2, pbkdf2-sha256/512, sha256/512-crypt)",
                        row.id());
                yield false;
            }
            case MALFORMED_HASH -> {
                LOG.warnf("User %s cannot sign in: the app's password hash is malformed", row.id());
                yield false;
            }
        };
    }
}
