package dev.appusers.keycloak.password;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jboss.logging.Logger;

/**
 * Picks the {@link PasswordScheme} for a stored hash by its prefix and verifies passwords against it; also builds
 * the {@link HashingScheme} that writable mode uses. Immutable and thread-safe.
 *
 * <p>Recognised formats: bcrypt ({@code $2a$}, {@code $2b$}, {@code $2y$}), passlib bcrypt_sha256
 * ({@code $bcrypt-sha256$}), argon2 ({@code $argon2id$}, {@code $argon2i$}, {@code $argon2d$}), passlib pbkdf2
 * ({@code $pbkdf2-sha256$}, {@code $pbkdf2-sha512$}) and SHA-crypt ({@code $5$}, {@code $6$}).
 */
public final class PasswordSchemes {

    private static final Logger LOG = Logger.getLogger(PasswordSchemes.class);

    private static final PasswordSchemes DEFAULTS = new PasswordSchemes(List.of(
            new Bcrypt(Bcrypt.DEFAULT_ROUNDS),
            new BcryptSha256(),
            new Argon2(Argon2.DEFAULT_MEMORY_KIB, Argon2.DEFAULT_ITERATIONS, Argon2.DEFAULT_PARALLELISM),
            PasslibPbkdf2.sha256(PasslibPbkdf2.DEFAULT_ROUNDS_SHA256),
            PasslibPbkdf2.sha512(PasslibPbkdf2.DEFAULT_ROUNDS_SHA512),
            ShaCrypt.sha256(),
            ShaCrypt.sha512()));

    private final List<PasswordScheme> schemes;

    private PasswordSchemes(List<PasswordScheme> schemes) {
        this.schemes = schemes;
    }

    /** @return the schemes for every format listed above */
    public static PasswordSchemes defaults() {
        return DEFAULTS;
    }

    /**
     * @param encodedHash a stored hash, may be {@code null}
     * @return the scheme whose prefix the hash carries, if any (the hash is not validated)
     */
    public Optional<PasswordScheme> forHash(String encodedHash) {
        if (encodedHash == null) {
            return Optional.empty();
        }
        for (PasswordScheme scheme : schemes) {
            if (scheme.recognises(encodedHash)) {
                return Optional.of(scheme);
            }
        }
        return Optional.empty();
    }

    /**
     * Verifies a password against a stored hash. Never throws for a bad hash, and never logs the password or hash.
     *
     * @param password the clear-text password; {@code null} gives {@link Verification#MISMATCH} for a hash of a
     *     known scheme (the hash is then not parsed)
     * @param encodedHash the stored hash
     * @return {@link Verification#MALFORMED_HASH} for a {@code null} or blank hash or one a scheme cannot parse,
     *     {@link Verification#UNKNOWN_SCHEME} when no scheme recognises its prefix, otherwise
     *     {@link Verification#MATCH} or {@link Verification#MISMATCH}
     */
    public Verification verify(String password, String encodedHash) {
        if (encodedHash == null || encodedHash.isBlank()) {
            return Verification.MALFORMED_HASH;
        }
        Optional<PasswordScheme> scheme = forHash(encodedHash);
        if (scheme.isEmpty()) {
            return Verification.UNKNOWN_SCHEME;
        }
        if (password == null) {
            return Verification.MISMATCH;
        }
        try {
            return scheme.get().verify(password, encodedHash) ? Verification.MATCH : Verification.MISMATCH;
        } catch (MalformedHashException e) {
            LOG.debugf("Password hash refused: %s", e.getMessage());
            return Verification.MALFORMED_HASH;
        } catch (RuntimeException e) {
            // Not expected: the schemes validate before computing. The third-party message is not logged.
            LOG.warnf("Password hash of scheme %s could not be verified (%s)", scheme.get().id(),
                    e.getClass().getName());
            return Verification.MALFORMED_HASH;
        }
    }

    /**
     * A scheme that writes hashes in the format the Python application accepts, configured by name:
     * <ul>
     *   <li>{@code "argon2"}: argon2id v=19, 16-byte salt, 16-byte digest (passlib's layout); parameters {@code m}
     *       (memory in KiB, default 102400), {@code t} (iterations, default 2), {@code p} (lanes, default 8);</li>
     *   <li>{@code "bcrypt"}: {@code $2b$}; parameter {@code rounds} (cost, 4..31, default 12);</li>
     *   <li>{@code "pbkdf2-sha256"}: parameter {@code rounds} (default 29000);</li>
     *   <li>{@code "pbkdf2-sha512"}: parameter {@code rounds} (default 25000).</li>
     * </ul>
     * The name is matched ignoring case and surrounding blanks. A missing, {@code null} or blank parameter value
     * means the default.
     *
     * @param name the scheme name
     * @param params parameter values by name, may be {@code null}
     * @return the scheme, which also verifies hashes of its own format
     * @throws IllegalArgumentException for an unknown name, an unknown parameter name, a non-integer value or a
     *     value out of range
     */
    public static HashingScheme hashingScheme(String name, Map<String, String> params) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        switch (key) {
            case "argon2": {
                HashingParams p = HashingParams.of(key, params, Set.of("m", "t", "p"));
                return new Argon2(p.intValue("m", Argon2.DEFAULT_MEMORY_KIB),
                        p.intValue("t", Argon2.DEFAULT_ITERATIONS), p.intValue("p", Argon2.DEFAULT_PARALLELISM));
            }
            case "bcrypt":
                return new Bcrypt(HashingParams.of(key, params, Set.of("rounds"))
                        .intValue("rounds", Bcrypt.DEFAULT_ROUNDS));
            case "pbkdf2-sha256":
                return PasslibPbkdf2.sha256(HashingParams.of(key, params, Set.of("rounds"))
                        .intValue("rounds", PasslibPbkdf2.DEFAULT_ROUNDS_SHA256));
            case "pbkdf2-sha512":
                return PasslibPbkdf2.sha512(HashingParams.of(key, params, Set.of("rounds"))
                        .intValue("rounds", PasslibPbkdf2.DEFAULT_ROUNDS_SHA512));
            default:
                throw new IllegalArgumentException("Unknown hashing scheme '" + name
                        + "'; expected one of argon2, bcrypt, pbkdf2-sha256, pbkdf2-sha512");
        }
    }
}
