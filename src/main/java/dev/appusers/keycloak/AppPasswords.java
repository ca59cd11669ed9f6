package dev.appusers.keycloak;

import org.jboss.logging.Logger;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.policy.PasswordPolicyManagerProvider;
import org.keycloak.policy.PolicyError;

import dev.appusers.keycloak.jdbc.AppDatabase;
import dev.appusers.keycloak.jdbc.UserRow;
import dev.appusers.keycloak.jdbc.UserWriter;
import dev.appusers.keycloak.metrics.ComponentMeters;
import dev.appusers.keycloak.password.CostLimits;
import dev.appusers.keycloak.password.PasswordSchemes;
import dev.appusers.keycloak.password.Verdict;
import dev.appusers.keycloak.password.Verification;
import dev.appusers.keycloak.password.VerificationBusyException;
import dev.appusers.keycloak.password.UnknownUserCost;
import dev.appusers.keycloak.store.ComponentMapping;

/**
 * Checks a typed password against the hash in a user's row, and (WRITABLE) writes new hashes in the configured scheme
 * after Keycloak's password policy accepted the password. A hash in an unknown or broken format, or over a cost
 * ceiling, fails that user's login with one log line naming the user id, never the hash or the password, and costs
 * the same time as an unknown user's login ({@link UnknownUserCost}), so that timing does not tell them apart.
 */
final class AppPasswords {

    private static final Logger LOG = Logger.getLogger(AppPasswords.class);

    private final PasswordSchemes schemes;

    AppPasswords(PasswordSchemes schemes) {
        this.schemes = schemes;
    }

    /**
     * Writes the hash of a new password to the row of the app user {@code appId} ({@code user} is that user as
     * Keycloak has it, for the password policy).
     *
     * @return the hash written (for an imported user's fingerprint; never to be logged)
     * @throws ModelException with Keycloak's policy message when the realm's password policy refuses the password,
     *     when it is longer than {@value PasswordSchemes#MAX_PASSWORD_BYTES} UTF-8 bytes, or when the server is too
     *     busy hashing to hash it now
     */
    String write(KeycloakSession session, RealmModel realm, UserModel user, String appId, String password,
                 ComponentMapping mapping, AppDatabase database) {
        return write(session, realm, user, appId, password, mapping, database, CostLimits.forHashing());
    }

    /** As above, hashing in {@code hashing} (a registration's reserved slot: {@link Registrations#hashing()}). */
    String write(KeycloakSession session, RealmModel realm, UserModel user, String appId, String password,
                 ComponentMapping mapping, AppDatabase database, CostLimits hashing) {
        if (password != null && PasswordSchemes.isTooLong(password)) {
            throw new ModelException("invalidPasswordMaxLengthMessage", PasswordSchemes.MAX_PASSWORD_BYTES);
        }
        PolicyError error = session.getProvider(PasswordPolicyManagerProvider.class).validate(realm, user, password);
        if (error != null) {
            throw new ModelException(error.getMessage(), error.getParameters());
        }
        String hash;
        try {
            hash = mapping.hashing().hash(password, hashing);
        } catch (VerificationBusyException e) {
            LOG.warnf("User %s: new password not hashed: %s", appId, e.getMessage());
            throw new ModelException("The server is busy checking passwords; please try again in a moment");
        }
        database.write("writing a password hash", c -> {
            mapping.writer().set(c, appId, UserWriter.Field.PASSWORD_HASH, hash);
            return null;
        });
        LOG.debugf("User %s: new password hash written in scheme %s", appId, mapping.hashing().id());
        return hash;
    }

    /** @throws VerificationBusyException when no hashing slot came free in time: a sign-in to answer "try again" */
    boolean verify(UserRow row, String password, ComponentMapping mapping, ComponentMeters meters) {
        return verify(row.id(), row.passwordHash(), password, mapping.config().costLimits(),
                mapping.unknownUserCost(), meters);
    }

    /**
     * @param userId the app's id of the user, for the log
     * @param hash the hash the app wrote for that user
     * @param refused paid once when the hash cannot be checked, as an unknown user's login pays it; told how long each
     *     real verification ran in its slot; {@code null} for an imported user's credential (Keycloak's own check pays nothing)
     * @param meters the component's, told the scheme, outcome and time of each check
     * @throws VerificationBusyException when no hashing slot came free in time (logged here): nothing was checked,
     *     and the sign-in is to be answered "try again", never counted as a wrong password
     */
    boolean verify(String userId, String hash, String password, CostLimits limits, UnknownUserCost refused,
                   ComponentMeters meters) {
        if (password == null) {
            return false;
        }
        long start = System.nanoTime();
        Verdict verdict = schemes.check(password, hash, refused == null ? limits : refused.timing(limits));
        meters.passwordChecked(hash, verdict.verification(), System.nanoTime() - start);
        switch (verdict.verification()) {
            case MATCH:
                return true;
            case MISMATCH:
                return false;
            case BUSY:
                LOG.warnf("User %s: sign-in answered 'try again', the server is busy checking passwords (%s)",
                        userId, verdict.reason());
                throw new VerificationBusyException(verdict.reason());
            case UNKNOWN_SCHEME:
                LOG.warnf("User %s cannot sign in: the app's password hash is in a format this provider does not "
                        + "recognise (supported: bcrypt, bcrypt-sha256, argon2, pbkdf2-sha256/512, sha256/512-crypt)",
                        userId);
                break;
            case MALFORMED_HASH:
                if (hash == null || hash.isBlank()) {
                    LOG.debugf("User %s has no password hash in the app's table", userId);
                } else {
                    LOG.warnf("User %s cannot sign in: the app's password hash is malformed", userId);
                }
                break;
            case OVER_LIMIT:
                LOG.warnf("User %s cannot sign in: the app's password hash asks for too much work: %s (hashCostLimits)",
                        userId, verdict.reason());
                break;
            case PASSWORD_TOO_LONG:
                LOG.debugf("User %s: password longer than %d UTF-8 bytes refused", userId,
                        PasswordSchemes.MAX_PASSWORD_BYTES);
                break;
            default:
                throw new IllegalStateException("Unexpected verification " + verdict.verification());
        }
        if (refused != null) {
            meters.unknownUserWait(refused.pay());
        }
        return false;
    }
}
