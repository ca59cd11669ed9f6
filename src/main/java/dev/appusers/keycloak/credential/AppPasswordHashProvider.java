package dev.appusers.keycloak.credential;

import java.util.Optional;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelException;
import org.keycloak.models.PasswordPolicy;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.credential.hash.PasswordHashProvider;

import dev.appusers.keycloak.config.ConfigKeys;
import dev.appusers.keycloak.password.PasswordSchemes;
import dev.appusers.keycloak.password.Verdict;
import dev.appusers.keycloak.password.Verification;

/**
 * Verifies a password credential that carries a hash the app wrote ({@link AppHashes}), with the same checks as live
 * federation. A linked user's password was already checked by its component in this request, with that component's
 * {@code hashCostLimits}: the outcome is taken from there ({@link CheckedPasswords}); otherwise the hash is checked here
 * with the limits of {@link ImportedHashLimits}. It only verifies: it never passes the realm's policy check, so
 * Keycloak re-hashes the password with the realm's own algorithm on the first successful sign-in, and it refuses to be
 * a realm's algorithm.
 */
final class AppPasswordHashProvider implements PasswordHashProvider {

    private static final Logger LOG = Logger.getLogger(AppPasswordHashProvider.class);

    private final String id;
    private final KeycloakSession session;

    /** @param session the request's session, or {@code null} (then nothing is recorded and the defaults apply) */
    AppPasswordHashProvider(String id, KeycloakSession session) {
        this.id = id;
        this.session = session;
    }

    @Override
    public boolean policyCheck(PasswordPolicy policy, PasswordCredentialModel credential) {
        return false; // an imported app hash is always replaced by the realm's algorithm once the password is known
    }

    @Override
    public PasswordCredentialModel encodedCredential(String rawPassword, int iterations) {
        throw new ModelException("Password hash algorithm " + id + " only verifies hashes imported from the app; "
                + "choose one of Keycloak's algorithms (argon2, pbkdf2-sha512, ...) in the realm's password policy");
    }

    @Override
    public boolean verify(String rawPassword, PasswordCredentialModel credential) {
        Optional<Boolean> checked = CheckedPasswords.take(session, credential.getId(), rawPassword);
        if (checked.isPresent()) {
            return checked.get();
        }
        long start = System.nanoTime();
        Verdict verdict = PasswordSchemes.defaults().check(rawPassword, credential.getPasswordSecretData().getValue(),
                ImportedHashLimits.of(session, credential));
        Verification result = verdict.verification();
        ImportedHashMeters.of(session).passwordChecked(credential.getPasswordSecretData().getValue(), result,
                System.nanoTime() - start);
        if (result != Verification.MATCH && result != Verification.MISMATCH) {
            // the reason names a parameter or a ceiling, never the hash or the password; Keycloak turns an exception
            // into a wrong password here, so a busy slot cannot be "try again" for a user no component checks first
            LOG.warnf("A password credential of algorithm %s could not be verified: %s (%s%s)", id, result,
                    verdict.reason(), result == Verification.OVER_LIMIT ? "; " + ConfigKeys.HASH_COST_LIMITS : "");
        }
        return result == Verification.MATCH;
    }

    @Override
    public String credentialHashingStrength(PasswordCredentialModel credential) {
        return id;
    }

    @Override
    public void close() {
    }
}
