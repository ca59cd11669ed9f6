package dev.appusers.keycloak.password;

import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * passlib's {@code pbkdf2_sha256} and {@code pbkdf2_sha512}: {@code $pbkdf2-sha256$<rounds>$<salt>$<digest>}, salt
 * and digest in passlib's adapted base64, the digest as long as the hash function's output (32 or 64 bytes). Rounds
 * are a decimal without leading zeros, 1 or more (as passlib). New hashes use a 16-byte salt and, by default,
 * passlib's rounds: 29000 for SHA-256, 25000 for SHA-512.
 */
final class PasslibPbkdf2 implements HashingScheme {

    static final int SALT_BYTES = 16;
    static final int DEFAULT_ROUNDS_SHA256 = 29000;
    static final int DEFAULT_ROUNDS_SHA512 = 25000;
    private static final int MAX_SALT_BYTES = 1024;

    private final String id;
    private final String prefix;
    private final Supplier<Digest> digest;
    private final int digestBytes;
    private final Pattern layout;
    private final int rounds;

    private PasslibPbkdf2(String id, Supplier<Digest> digest, int digestBytes, int rounds) {
        checkRounds(id, rounds);
        this.id = id;
        this.prefix = "$" + id + "$";
        this.digest = digest;
        this.digestBytes = digestBytes;
        this.layout = Pattern.compile(Pattern.quote(prefix) + "(\\d{1,10})\\$([^$]*)\\$([^$]*)");
        this.rounds = rounds;
    }

    /** {@code pbkdf2-sha256}, writing hashes with the given rounds. */
    static PasslibPbkdf2 sha256(int rounds) {
        return new PasslibPbkdf2("pbkdf2-sha256", SHA256Digest::new, 32, rounds);
    }

    /** {@code pbkdf2-sha512}, writing hashes with the given rounds. */
    static PasslibPbkdf2 sha512(int rounds) {
        return new PasslibPbkdf2("pbkdf2-sha512", SHA512Digest::new, 64, rounds);
    }

    private static void checkRounds(String id, int rounds) {
        if (rounds < 1) {
            throw new IllegalArgumentException(id + " rounds must be at least 1, got " + rounds);
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public boolean recognises(String encodedHash) {
        return encodedHash != null && encodedHash.startsWith(prefix);
    }

    @Override
    public boolean verify(String password, String encodedHash, CostLimits limits) {
        Matcher h = layout.matcher(encodedHash);
        if (!h.matches()) {
            throw new MalformedHashException(id, "expected " + prefix + "<rounds>$<salt>$<digest>");
        }
        String roundsText = h.group(1);
        long hashRounds = Long.parseLong(roundsText);
        if (roundsText.length() > 1 && roundsText.charAt(0) == '0') {
            throw new MalformedHashException(id, "rounds are zero-padded");
        }
        if (hashRounds < 1 || hashRounds > Integer.MAX_VALUE) {
            throw new MalformedHashException(id, "rounds " + hashRounds + " are outside 1.." + Integer.MAX_VALUE);
        }
        byte[] salt = decode(h.group(2), "salt");
        if (salt.length > MAX_SALT_BYTES) {
            throw new MalformedHashException(id, "salt is longer than " + MAX_SALT_BYTES + " bytes");
        }
        byte[] expected = decode(h.group(3), "digest");
        if (expected.length != digestBytes) {
            throw new MalformedHashException(id,
                    "digest is " + expected.length + " bytes, expected " + digestBytes);
        }
        limits.checkPbkdf2(id, hashRounds);
        byte[] secret = Secrets.utf8OrNull(password);
        if (secret == null) {
            return false;
        }
        byte[] actual = null;
        try {
            actual = derive(secret, salt, (int) hashRounds, limits);
            return Secrets.equal(actual, expected);
        } finally {
            Secrets.wipe(secret, actual, expected);
        }
    }

    private byte[] decode(String text, String what) {
        try {
            return PasslibBase64.decodeAdapted(text);
        } catch (IllegalArgumentException e) {
            throw new MalformedHashException(id, what + " is not valid adapted base64");
        }
    }

    @Override
    public String hash(String password, CostLimits limits) {
        return hash(password, Secrets.randomSalt(SALT_BYTES), limits);
    }

    /** Hashes with a given salt (for known-answer tests). */
    String hash(String password, byte[] salt) {
        return hash(password, salt, CostLimits.forHashing());
    }

    private String hash(String password, byte[] salt, CostLimits limits) {
        byte[] secret = Secrets.utf8(password);
        byte[] checksum = null;
        try {
            checksum = derive(secret, salt, rounds, limits);
            return prefix + rounds + "$" + PasslibBase64.encodeAdapted(salt) + "$"
                    + PasslibBase64.encodeAdapted(checksum);
        } finally {
            Secrets.wipe(secret, checksum);
        }
    }

    private byte[] derive(byte[] secret, byte[] salt, int iterations, CostLimits limits) {
        PKCS5S2ParametersGenerator generator = new PKCS5S2ParametersGenerator(digest.get());
        generator.init(secret, salt, iterations);
        byte[] key = limits.compute(id, 0,
                () -> ((KeyParameter) generator.generateDerivedParameters(digestBytes * 8)).getKey());
        byte[] out = key.clone();
        Secrets.wipe(key);
        return out;
    }

    @Override
    public void checkCost(CostLimits limits) {
        limits.checkPbkdf2(id, rounds);
    }

    /** This digest and exactly these rounds (passlib writes them without leading zeros, as {@link #verify} demands). */
    @Override
    public java.util.List<String> currentPrefixes() {
        return java.util.List.of(prefix + rounds + "$");
    }

    @Override
    public String form() {
        return id + " rounds=" + rounds;
    }

    @Override
    public String toString() {
        return "PasslibPbkdf2[" + id + ",rounds=" + rounds + "]";
    }
}
