package dev.appusers.keycloak.credential;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelException;
import org.keycloak.models.PasswordPolicy;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.credential.hash.PasswordHashProvider;

import dev.appusers.keycloak.password.CostLimits;
import dev.appusers.keycloak.password.PasswordSchemes;
import dev.appusers.keycloak.password.Verdict;
import dev.appusers.keycloak.password.Verification;

/**
 * Verifies a password credential that carries a hash the app wrote ({@link AppHashes}), with the same checks and
 * limits as live federation. It only verifies: it never passes the realm's policy check, so Keycloak re-hashes the
 * password with the realm's own algorithm on the first successful sign-in, and it refuses to be a realm's algorithm.
 */
final class AppPasswordHashProvider implements PasswordHashProvider {

    private static final Logger LOG = Logger.getLogger(AppPasswordHashProvider.class);

    private final String id;
    /** The session whose sign-in the checks are for (their meters: {@link ImportedHashMeters}), or null. */
    private final KeycloakSession session;

    AppPasswordHashProvider(String id) {
        this(id, null);
    }

    private AppPasswordHashProvider(String id, KeycloakSession session) {
        this.id = id;
        this.session = session;
    }

    /** This algorithm for one session, whose checks are recorded in the signing-in user's component's meters. */
    AppPasswordHashProvider in(KeycloakSession sessionOfChecks) {
        return new AppPasswordHashProvider(id, sessionOfChecks);
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
        long start = System.nanoTime();
        Verdict verdict = PasswordSchemes.defaults().check(rawPassword, credential.getPasswordSecretData().getValue(),
                CostLimits.defaults());
        Verification result = verdict.verification();
        ImportedHashMeters.of(session).passwordChecked(credential.getPasswordSecretData().getValue(), result,
                System.nanoTime() - start);
        if (result != Verification.MATCH && result != Verification.MISMATCH) {
            // the reason names a parameter or a ceiling, never the hash or the password
            LOG.warnf("A password credential of algorithm %s could not be verified: %s (%s)", id, result,
                    verdict.reason());
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
