package dev.appusers.keycloak.password;

/**
 * One password hash format, as written by the application's Python side (passlib, bcrypt, argon2-cffi).
 *
 * <p>Implementations are immutable and thread-safe. They never log, and never put a password or an encoded hash
 * (nor any part of one, such as its salt or digest) into an exception message.
 */
public interface PasswordScheme {

    /**
     * The scheme's stable name: {@code "bcrypt"}, {@code "bcrypt-sha256"}, {@code "argon2"},
     * {@code "pbkdf2-sha256"}, {@code "pbkdf2-sha512"}, {@code "sha256-crypt"} or {@code "sha512-crypt"}.
     *
     * @return the scheme id
     */
    String id();

    /**
     * Whether the encoded hash belongs to this scheme, judged by its prefix only (cheap; does not validate).
     *
     * @param encodedHash the stored hash, may be {@code null}
     * @return {@code true} if this scheme is responsible for the hash
     */
    boolean recognises(String encodedHash);

    /**
     * Checks a password against an encoded hash of this scheme, comparing digests in constant time.
     *
     * @param password the clear-text password, not {@code null}
     * @param encodedHash a hash this scheme {@linkplain #recognises(String) recognises}
     * @return {@code true} if the password matches
     * @throws MalformedHashException when the hash has this scheme's prefix but cannot be parsed or has
     *     parameters out of range (the message never contains the hash)
     * @throws HashCostException when the hash is over a {@linkplain CostLimits#defaults() default ceiling}
     * @throws VerificationBusyException when no hashing slot came free within the bounded wait
     */
    default boolean verify(String password, String encodedHash) {
        return verify(password, encodedHash, CostLimits.defaults());
    }

    /**
     * Like {@link #verify(String, String)}, refusing a hash whose parameters are over the given ceilings before
     * anything is computed, and computing in a slot of the limits' shared limiter.
     *
     * @param limits the ceilings, limiter and memory budget
     * @return {@code true} if the password matches; {@code false} also for a password that is not valid Unicode or
     *     longer than 4096 UTF-8 bytes
     * @throws MalformedHashException when the hash cannot be parsed or has parameters out of the format's range
     * @throws HashCostException when the hash is well formed but over a ceiling or the memory budget
     * @throws VerificationBusyException when no slot (or no memory) came free within the bounded wait
     */
    boolean verify(String password, String encodedHash, CostLimits limits);
}
