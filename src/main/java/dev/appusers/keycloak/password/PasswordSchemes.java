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

    /** The longest password that is hashed or verified, in UTF-8 bytes (passlib's own limit). */
    public static final int MAX_PASSWORD_BYTES = Secrets.MAX_PASSWORD_BYTES;

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

    /** A password no scheme verifies (an unpaired surrogate is not valid Unicode): see {@link #malformation}. */
    private static final String NOT_A_PASSWORD = "\uD800";

    /**
     * Why a stored hash of a known scheme cannot be used (its body does not parse, or its parameters are out of the
     * format's range), checked as {@link PasswordScheme#verify} checks it but without computing anything: every scheme
     * parses the whole hash before it looks at the password, and a password that is not valid Unicode then ends the
     * check. A hash over a {@link CostLimits cost ceiling} is well formed here (a sign-in refuses it).
     *
     * @param encodedHash a stored hash
     * @return empty for a well-formed hash of a known scheme; otherwise the reason, without the hash
     */
    public Optional<String> malformation(String encodedHash) {
        if (encodedHash == null || encodedHash.isBlank()) {
            return Optional.of("no hash");
        }
        Optional<PasswordScheme> scheme = forHash(encodedHash);
        if (scheme.isEmpty()) {
            return Optional.of("of no known scheme");
        }
        try {
            scheme.get().verify(NOT_A_PASSWORD, encodedHash, CostLimits.defaults());
            return Optional.empty();
        } catch (MalformedHashException e) {
            return Optional.of(e.getMessage());
        } catch (HashCostException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of("could not be parsed (" + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * Verifies a password against a stored hash with the {@linkplain CostLimits#defaults() default limits}.
     *
     * @see #check(String, String, CostLimits)
     */
    public Verification verify(String password, String encodedHash) {
        return check(password, encodedHash, CostLimits.defaults()).verification();
    }

    /**
     * Verifies a password against a stored hash. Never throws for a bad hash, and never logs the password or hash.
     * A password longer than {@value #MAX_PASSWORD_BYTES} UTF-8 bytes is refused before any parsing or hashing.
     *
     * @param password the clear-text password; {@code null} gives {@link Verification#MISMATCH} for a hash of a
     *     known scheme (the hash is then not parsed)
     * @param encodedHash the stored hash
     * @param limits the ceilings, limiter and memory budget to verify within
     * @return {@link Verification#MALFORMED_HASH} for a {@code null} or blank hash or one a scheme cannot parse,
     *     {@link Verification#UNKNOWN_SCHEME} when no scheme recognises its prefix,
     *     {@link Verification#PASSWORD_TOO_LONG}, {@link Verification#OVER_LIMIT} for a hash over a ceiling,
     *     {@link Verification#BUSY} when the limiter refused, otherwise {@link Verification#MATCH} or
     *     {@link Verification#MISMATCH}
     */
    public Verdict check(String password, String encodedHash, CostLimits limits) {
        if (encodedHash == null || encodedHash.isBlank()) {
            return new Verdict(Verification.MALFORMED_HASH, "no hash");
        }
        Optional<PasswordScheme> scheme = forHash(encodedHash);
        if (scheme.isEmpty()) {
            return Verdict.of(Verification.UNKNOWN_SCHEME);
        }
        if (password == null) {
            return Verdict.of(Verification.MISMATCH);
        }
        if (isTooLong(password)) {
            return Verdict.of(Verification.PASSWORD_TOO_LONG);
        }
        try {
            boolean match = scheme.get().verify(password, encodedHash, limits);
            return Verdict.of(match ? Verification.MATCH : Verification.MISMATCH);
        } catch (MalformedHashException e) {
            LOG.debugf("Password hash refused: %s", e.getMessage());
            return new Verdict(Verification.MALFORMED_HASH, e.getMessage());
        } catch (HashCostException e) {
            return new Verdict(Verification.OVER_LIMIT, e.getMessage());
        } catch (VerificationBusyException e) {
            return new Verdict(Verification.BUSY, e.getMessage());
        } catch (RuntimeException e) {
            // Not expected: the schemes validate before computing. The third-party message is not logged.
            LOG.warnf("Password hash of scheme %s could not be verified (%s)", scheme.get().id(),
                    e.getClass().getName());
            return new Verdict(Verification.MALFORMED_HASH, "could not be verified");
        }
    }

    /**
     * @param password a clear-text password, not {@code null}
     * @return whether it is longer than {@value #MAX_PASSWORD_BYTES} UTF-8 bytes, which no scheme hashes or verifies
     */
    public static boolean isTooLong(String password) {
        return Secrets.utf8Length(password) > MAX_PASSWORD_BYTES;
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
