package dev.appusers.keycloak.credential;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.keycloak.common.util.MultivaluedHashMap;

import org.keycloak.models.credential.PasswordCredentialModel;

import dev.appusers.keycloak.password.PasswordSchemes;

/**
 * The app's password hashes as Keycloak password credentials: the algorithm is {@code app-<scheme>} (a
 * {@link AppPasswordHashProviderFactory} of this jar), the secret value is the hash exactly as the app wrote it
 * (salt and parameters included), so Keycloak verifies it itself and re-hashes it to the realm's policy on the first
 * successful sign-in.
 */
public final class AppHashes {

    /** Prefix of the algorithm ids this jar registers. */
    public static final String ALGORITHM_PREFIX = "app-";

    /** The additional parameter of an imported credential naming the component that imported it. */
    static final String COMPONENT_PARAMETER = "appUsersComponent";

    /** The schemes of {@link PasswordSchemes#defaults()}, each an algorithm {@code app-<id>}. */
    public static final List<String> SCHEMES = List.of("argon2", "bcrypt", "bcrypt-sha256", "pbkdf2-sha256",
            "pbkdf2-sha512", "sha256-crypt", "sha512-crypt");

    private AppHashes() {
    }

    /** The Keycloak algorithm id for a hash the app wrote; empty for a blank hash or one of no known scheme. */
    public static Optional<String> algorithmOf(String appHash) {
        if (appHash == null || appHash.isBlank()) {
            return Optional.empty();
        }
        return PasswordSchemes.defaults().forHash(appHash).map(scheme -> ALGORITHM_PREFIX + scheme.id());
    }

    /**
     * Why Keycloak cannot take the app's hash as a credential: of no known scheme, or of a known scheme with a body
     * that does not parse ({@link PasswordSchemes#malformation}); empty when it can. Never holds the hash.
     */
    public static Optional<String> unusable(String appHash) {
        return PasswordSchemes.defaults().malformation(appHash);
    }

    /**
     * A password credential carrying the app's hash, with the id of the component that imported it (so that a check
     * of the credential alone knows whose {@code hashCostLimits} apply: {@link ImportedHashLimits}); empty when the
     * hash is of no known scheme.
     */
    public static Optional<PasswordCredentialModel> credentialOf(String appHash, String componentId) {
        return algorithmOf(appHash).map(algorithm -> {
            PasswordCredentialModel credential = PasswordCredentialModel.createFromValues(algorithm, new byte[0], 0,
                    Map.of(COMPONENT_PARAMETER, List.of(componentId)), appHash);
            credential.setCreatedDate(System.currentTimeMillis());
            return credential;
        });
    }

    /** The component that imported a credential, if it says: credentials imported before it was recorded do not. */
    public static Optional<String> componentOf(PasswordCredentialModel credential) {
        MultivaluedHashMap<String, String> parameters = credential.getPasswordCredentialData().getAdditionalParameters();
        return Optional.ofNullable(parameters == null ? null : parameters.getFirst(COMPONENT_PARAMETER));
    }

    /** Whether a stored credential still carries an app hash (not yet re-hashed by Keycloak). */
    public static boolean isAppHash(PasswordCredentialModel credential) {
        String algorithm = credential.getPasswordCredentialData().getAlgorithm();
        return algorithm != null && algorithm.startsWith(ALGORITHM_PREFIX);
    }
}
