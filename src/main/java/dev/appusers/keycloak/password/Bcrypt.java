package dev.appusers.keycloak.password;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * bcrypt, {@code $2a$}, {@code $2b$} and {@code $2y$} (all the same algorithm for passwords pyca/bcrypt accepts), as
 * written by pyca/bcrypt and passlib. Like pyca/bcrypt, a password is truncated to its first 72 UTF-8 bytes; a
 * password containing a NUL character never matches (passlib refuses such passwords). The legacy {@code $2x$} (the
 * buggy crypt_blowfish variant) and {@code $2$} are not recognised. New hashes are {@code $2b$} with a configurable
 * cost (log2 rounds), default 12 as in passlib.
 */
final class Bcrypt implements HashingScheme {

    static final String ID = "bcrypt";
    static final int DEFAULT_ROUNDS = 12;
    static final int MIN_ROUNDS = 4;
    static final int MAX_ROUNDS = 31;
    static final int MAX_PASSWORD_BYTES = 72;
    /** Length of the encoded bcrypt digest, the last part of a bcrypt string. */
    static final int DIGEST_CHARS = 31;

    private static final Pattern LAYOUT =
            Pattern.compile("\\$(2[aby])\\$(\\d{2})\\$([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})");

    private final int rounds;

    /** A bcrypt scheme that writes hashes with the given cost. */
    Bcrypt(int rounds) {
        checkRounds(rounds);
        this.rounds = rounds;
    }

    static void checkRounds(int rounds) {
        if (rounds < MIN_ROUNDS || rounds > MAX_ROUNDS) {
            throw new IllegalArgumentException(
                    "bcrypt rounds must be between " + MIN_ROUNDS + " and " + MAX_ROUNDS + ", got " + rounds);
        }
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public boolean recognises(String encodedHash) {
        return encodedHash != null
                && (encodedHash.startsWith("$2a$") || encodedHash.startsWith("$2b$") || encodedHash.startsWith("$2y$"));
    }

    @Override
    public boolean verify(String password, String encodedHash, CostLimits limits) {
        Matcher m = LAYOUT.matcher(encodedHash);
        if (!m.matches()) {
            throw new MalformedHashException(ID,
                    "expected $2a$, $2b$ or $2y$, a two-digit cost, '$', a 22-character salt and a 31-character "
                            + "digest in bcrypt base64 (60 characters in all)");
        }
        int cost = Integer.parseInt(m.group(2));
        if (cost < MIN_ROUNDS || cost > MAX_ROUNDS) {
            throw new MalformedHashException(ID, "cost " + cost + " is outside " + MIN_ROUNDS + ".." + MAX_ROUNDS);
        }
        byte[] salt = PasslibBase64.decodeBcryptSalt(m.group(3));
        limits.checkBcrypt(ID, cost);
        byte[] secret = Secrets.utf8OrNull(password);
        if (secret == null) {
            return false;
        }
        try {
            if (containsNul(secret)) {
                return false;
            }
            return Secrets.equal(checksum(m.group(1), secret, salt, cost, limits), m.group(4));
        } finally {
            Secrets.wipe(secret);
        }
    }

    @Override
    public String hash(String password, CostLimits limits) {
        return hash(password, Secrets.randomSalt(PasslibBase64.BCRYPT_SALT_BYTES), limits);
    }

    /** Hashes with a given 16-byte salt (for known-answer tests). */
    String hash(String password, byte[] salt) {
        return hash(password, salt, CostLimits.forHashing());
    }

    private String hash(String password, byte[] salt, CostLimits limits) {
        byte[] secret = Secrets.utf8(password);
        try {
            if (containsNul(secret)) {
                throw new IllegalArgumentException("bcrypt cannot hash a password containing a NUL character");
            }
            return generate("2b", secret, salt, rounds, limits);
        } finally {
            Secrets.wipe(secret);
        }
    }

    /**
     * The 31-character bcrypt digest of a key (truncated to 72 bytes here, as pyca/bcrypt does), for this class and
     * {@link BcryptSha256}.
     */
    static String checksum(String version, byte[] key, byte[] salt, int cost, CostLimits limits) {
        String full = generate(version, key, salt, cost, limits);
        return full.substring(full.length() - DIGEST_CHARS);
    }

    private static String generate(String version, byte[] key, byte[] salt, int cost, CostLimits limits) {
        byte[] truncated = Arrays.copyOf(key, Math.min(key.length, MAX_PASSWORD_BYTES));
        try {
            return limits.compute(ID, 0, () -> OpenBSDBCrypt.generate(version, truncated, salt, cost));
        } finally {
            Secrets.wipe(truncated);
        }
    }

    private static boolean containsNul(byte[] secret) {
        for (byte b : secret) {
            if (b == 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void checkCost(CostLimits limits) {
        limits.checkBcrypt(ID, rounds);
    }

    /**
     * This cost with any of {@code $2a$}, {@code $2b$}, {@code $2y$}: the same algorithm for the passwords pyca/bcrypt
     * accepts, so a {@code $2y$} hash of the configured cost is not rewritten (nor does passlib rewrite it).
     */
    @Override
    public java.util.List<String> currentPrefixes() {
        String cost = String.format(java.util.Locale.ROOT, "%02d", rounds);
        return java.util.List.of("$2a$" + cost + "$", "$2b$" + cost + "$", "$2y$" + cost + "$");
    }

    @Override
    public String form() {
        return ID + " rounds=" + rounds;
    }

    @Override
    public String toString() {
        return "Bcrypt[rounds=" + rounds + "]";
    }
}
