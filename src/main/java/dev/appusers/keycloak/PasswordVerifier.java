package dev.appusers.keycloak;

import org.jboss.logging.Logger;

import dev.appusers.keycloak.jdbc.UserRow;
import dev.appusers.keycloak.password.PasswordSchemes;

/**
 * Checks a typed password against the hash in a user's row. A hash in an unknown or broken format fails that user's
 * login with one log line naming the user id, never the hash or the password.
 */
final class PasswordVerifier {

    private static final Logger LOG = Logger.getLogger(PasswordVerifier.class);

    private final PasswordSchemes schemes;

    PasswordVerifier(PasswordSchemes schemes) {
        this.schemes = schemes;
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
