package dev.appusers.keycloak.password;

/**
 * A {@link PasswordScheme} that can also produce new hashes in the exact format the Python application accepts
 * (used by writable mode). Obtain one with {@link PasswordSchemes#hashingScheme(String, java.util.Map)}.
 */
public interface HashingScheme extends PasswordScheme {

    /**
     * Hashes a password with a fresh random salt and this scheme's configured cost parameters.
     *
     * @param password the clear-text password, not {@code null}
     * @return the encoded hash, e.g. {@code $argon2id$v=19$m=102400,t=2,p=8$<salt>$<digest>}
     * @throws IllegalArgumentException if the password is not valid Unicode (unpaired surrogate) or longer than
     *     {@value PasswordSchemes#MAX_PASSWORD_BYTES} UTF-8 bytes
     * @throws VerificationBusyException when no hashing slot came free within the bounded wait
     */
    default String hash(String password) {
        return hash(password, CostLimits.forHashing());
    }

    /**
     * Like {@link #hash(String)}, computing within the given limiter (a {@linkplain CostLimits#using reservation}, say).
     */
    String hash(String password, CostLimits limits);

    /** @return the memory one computation in this scheme's parameters holds, in KiB (argon2's {@code m}; else 0) */
    default long memoryKib() {
        return 0;
    }

    /**
     * Checks that the hashes this scheme writes are within the given ceilings (and, for argon2, the memory budget),
     * so that they can be verified later.
     *
     * @throws HashCostException naming the parameter and the ceiling it exceeds
     */
    void checkCost(CostLimits limits);

    /**
     * The beginnings of a hash in this scheme's configured form: scheme, variant and every cost parameter, up to the
     * salt. A hash that starts with none of them was written in another scheme or with other parameters, and is
     * rewritten at its user's next sign-in in WRITABLE mode (passlib's {@code CryptContext(deprecated="auto")} does
     * the same in the app). They hold no LIKE wildcard ({@code %}, {@code _}), so SQL can count such hashes.
     */
    java.util.List<String> currentPrefixes();

    /**
     * @param encodedHash a stored hash, may be {@code null}
     * @return whether it is in this scheme's configured form (see {@link #currentPrefixes()}): nothing to rewrite
     */
    default boolean isCurrent(String encodedHash) {
        return encodedHash != null && currentPrefixes().stream().anyMatch(encodedHash::startsWith);
    }

    /** The configured form for the admin and the log, e.g. {@code argon2 m=102400,t=2,p=8}, {@code bcrypt rounds=12}. */
    String form();
}
