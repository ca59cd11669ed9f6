package dev.appusers.keycloak.password;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Argon2 in the PHC string format of argon2-cffi and passlib:
 * {@code $argon2<id|i|d>$v=19$m=<KiB>,t=<iterations>,p=<lanes>$<salt>$<digest>}, salt and digest in unpadded
 * standard base64, the digest length taken from the encoded digest. {@code v=16} (or no version, which means 16) is
 * accepted; {@code ,data=} (associated data) is honoured and {@code ,keyid=} (a secret key) is refused.
 *
 * <p>Parameters are bounded so that a corrupt hash cannot exhaust the server: memory up to {@value #MAX_MEMORY_KIB}
 * KiB (2 GiB, the RFC 9106 first recommendation) and at least 8 KiB per lane, up to {@value #MAX_ITERATIONS}
 * iterations and {@value #MAX_PARALLELISM} lanes.
 *
 * <p>The computation is {@link Argon2Engine}'s, which fills the lanes of each slice in parallel (BouncyCastle's
 * generator fills them one after the other); see {@code docs/performance-hashes.md} for the figures behind that.
 * Each computation takes a slot of the shared {@link ComputeSlots} limiter and reserves its {@code m} KiB from the
 * {@link MemoryBudget} (half of the heap) before allocating them; {@link CostLimits} bounds {@code t} and
 * {@code t * m}.
 *
 * <p>New hashes use passlib's {@code argon2} layout: argon2id, v=19, 16-byte salt and 16-byte digest, with
 * {@code m=102400,t=2,p=8} by default (argon2-cffi 21.1 defaults, which passlib 1.7.4 adopts).
 */
final class Argon2 implements HashingScheme {

    static final String ID = "argon2";
    static final int DEFAULT_MEMORY_KIB = 102400;
    static final int DEFAULT_ITERATIONS = 2;
    static final int DEFAULT_PARALLELISM = 8;
    static final int MAX_MEMORY_KIB = 2 * 1024 * 1024;
    static final int MAX_ITERATIONS = 1024;
    static final int MAX_PARALLELISM = 1024;
    static final int SALT_BYTES = 16;
    static final int DIGEST_BYTES = 16;
    private static final int MIN_SALT_BYTES = 8;
    private static final int MIN_DIGEST_BYTES = 4;
    private static final int MAX_ENCODED_BYTES = 1024;

    private static final Pattern LAYOUT = Pattern.compile("\\$argon2(id|i|d)\\$(?:v=(\\d{1,10})\\$)?"
            + "m=(\\d{1,10}),t=(\\d{1,10}),p=(\\d{1,10})(,keyid=[^,$]*)?(?:,data=([^,$]*))?\\$([^$]*)\\$([^$]*)");

    private final int memoryKib;
    private final int iterations;
    private final int parallelism;

    /**
     * An argon2 scheme that writes argon2id hashes with the given cost.
     *
     * @throws IllegalArgumentException if a parameter is out of range
     */
    Argon2(int memoryKib, int iterations, int parallelism) {
        String problem = checkCost(memoryKib, iterations, parallelism);
        if (problem != null) {
            throw new IllegalArgumentException("argon2 " + problem);
        }
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        this.parallelism = parallelism;
    }

    /** @return what is wrong with the cost parameters, or {@code null} if they are acceptable */
    private static String checkCost(long m, long t, long p) {
        if (p < 1 || p > MAX_PARALLELISM) {
            return "parallelism p=" + p + " is outside 1.." + MAX_PARALLELISM;
        }
        if (m < 8 * p || m > MAX_MEMORY_KIB) {
            return "memory m=" + m + " KiB is outside 8*p.." + MAX_MEMORY_KIB;
        }
        if (t < 1 || t > MAX_ITERATIONS) {
            return "iterations t=" + t + " is outside 1.." + MAX_ITERATIONS;
        }
        return null;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public boolean recognises(String encodedHash) {
        return encodedHash != null && (encodedHash.startsWith("$argon2id$") || encodedHash.startsWith("$argon2i$")
                || encodedHash.startsWith("$argon2d$"));
    }

    @Override
    public boolean verify(String password, String encodedHash, CostLimits limits) {
        Matcher h = LAYOUT.matcher(encodedHash);
        if (!h.matches()) {
            throw new MalformedHashException(ID,
                    "expected $argon2<id|i|d>$v=<version>$m=<KiB>,t=<iterations>,p=<lanes>$<salt>$<digest>");
        }
        int type = "id".equals(h.group(1)) ? Argon2Engine.ARGON2_ID
                : "i".equals(h.group(1)) ? Argon2Engine.ARGON2_I : Argon2Engine.ARGON2_D;
        long version = h.group(2) == null ? 16 : Long.parseLong(h.group(2));
        if (version != 16 && version != 19) {
            throw new MalformedHashException(ID, "unsupported version v=" + version + " (expected 16 or 19)");
        }
        long m = Long.parseLong(h.group(3));
        long t = Long.parseLong(h.group(4));
        long p = Long.parseLong(h.group(5));
        String problem = checkCost(m, t, p);
        if (problem != null) {
            throw new MalformedHashException(ID, problem);
        }
        if (h.group(6) != null) {
            throw new MalformedHashException(ID, "keyid (secret key) hashes are not supported");
        }
        byte[] data = h.group(7) == null ? null : decode(h.group(7), "data", 0);
        byte[] salt = decode(h.group(8), "salt", MIN_SALT_BYTES);
        byte[] expected = decode(h.group(9), "digest", MIN_DIGEST_BYTES);
        limits.checkArgon2(m, t);
        byte[] secret = Secrets.utf8OrNull(password);
        if (secret == null) {
            return false;
        }
        byte[] actual = null;
        try {
            int engineVersion = version == 19 ? Argon2Engine.VERSION_13 : Argon2Engine.VERSION_10;
            actual = derive(type, engineVersion, (int) m, (int) t, (int) p, secret, salt, data, expected.length,
                    limits);
            return Secrets.equal(actual, expected);
        } finally {
            Secrets.wipe(secret, actual, expected);
        }
    }

    private static byte[] decode(String text, String what, int minBytes) {
        byte[] bytes;
        try {
            bytes = PasslibBase64.decodeStandard(text);
        } catch (IllegalArgumentException e) {
            throw new MalformedHashException(ID, what + " is not valid unpadded base64");
        }
        if (bytes.length < minBytes || bytes.length > MAX_ENCODED_BYTES) {
            throw new MalformedHashException(ID, what + " length " + bytes.length + " bytes is outside "
                    + minBytes + ".." + MAX_ENCODED_BYTES);
        }
        return bytes;
    }

    @Override
    public String hash(String password, CostLimits limits) {
        return hash(password, Secrets.randomSalt(SALT_BYTES), limits);
    }

    @Override
    public long memoryKib() {
        return memoryKib;
    }

    /** Hashes with a given salt (for known-answer tests). */
    String hash(String password, byte[] salt) {
        return hash(password, salt, CostLimits.forHashing());
    }

    private String hash(String password, byte[] salt, CostLimits limits) {
        byte[] secret = Secrets.utf8(password);
        byte[] digest = null;
        try {
            digest = derive(Argon2Engine.ARGON2_ID, Argon2Engine.VERSION_13, memoryKib, iterations, parallelism,
                    secret, salt, null, DIGEST_BYTES, limits);
            return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + "$"
                    + PasslibBase64.encodeStandard(salt) + "$" + PasslibBase64.encodeStandard(digest);
        } finally {
            Secrets.wipe(secret, digest);
        }
    }

    /**
     * One Argon2 computation in a slot of the shared limiter ({@link ComputeSlots}: one per processor, a bounded
     * wait), holding {@code m} KiB of the {@link MemoryBudget} reserved before its memory is allocated. Each uses
     * every processor through its lanes already, so more at once would only add heap, not throughput; Keycloak's
     * own Argon2 provider bounds itself the same way. See {@code docs/performance-hashes.md}.
     */
    private static byte[] derive(int type, int version, int m, int t, int p, byte[] secret, byte[] salt, byte[] data,
            int length, CostLimits limits) {
        return limits.compute(ID, m,
                () -> Argon2Engine.derive(type, version, m, t, p, secret, salt, null, data, length, true));
    }

    @Override
    public void checkCost(CostLimits limits) {
        limits.checkArgon2(memoryKib, iterations);
    }

    /**
     * argon2id, v=19 and exactly these m, t and p (passlib's argon2 also rewrites another type, an older version or
     * another memory cost). The salt and digest lengths are not part of the form.
     */
    @Override
    public java.util.List<String> currentPrefixes() {
        return java.util.List.of("$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + "$");
    }

    @Override
    public String form() {
        return ID + " m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism;
    }

    @Override
    public String toString() {
        return "Argon2[m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + "]";
    }
}
