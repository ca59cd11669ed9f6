package dev.appusers.keycloak.password;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SHA-crypt after Ulrich Drepper's specification ("Unix crypt using SHA-256 and SHA-512"), verify only:
 * {@code $5$[rounds=N$]<salt>$<43 chars>} and {@code $6$[rounds=N$]<salt>$<86 chars>}. As in passlib, which wrote
 * these hashes, the salt is at most 16 characters of {@code ./0-9A-Za-z}, and explicit rounds are a decimal without
 * leading zeros between 1000 and 999999999 (no rounds means 5000).
 */
final class ShaCrypt implements PasswordScheme {

    private static final String HASH64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final int DEFAULT_ROUNDS = 5000;
    private static final int MIN_ROUNDS = 1000;
    private static final int MAX_ROUNDS = 999_999_999;

    /** Byte order of the final encoding, three bytes (high, middle, low) per group of four characters. */
    private static final int[] SHA256_ORDER = {0, 10, 20, 21, 1, 11, 12, 22, 2, 3, 13, 23, 24, 4, 14, 15, 25, 5,
        6, 16, 26, 27, 7, 17, 18, 28, 8, 9, 19, 29};
    private static final int[] SHA512_ORDER = {0, 21, 42, 22, 43, 1, 44, 2, 23, 3, 24, 45, 25, 46, 4, 47, 5, 26,
        6, 27, 48, 28, 49, 7, 50, 8, 29, 9, 30, 51, 31, 52, 10, 53, 11, 32, 12, 33, 54, 34, 55, 13, 56, 14, 35,
        15, 36, 57, 37, 58, 16, 59, 17, 38, 18, 39, 60, 40, 61, 19, 62, 20, 41};

    private final String id;
    private final String prefix;
    private final String algorithm;
    private final int[] order;
    private final int[] tail;
    private final int tailChars;
    private final Pattern layout;

    private ShaCrypt(String id, String prefix, String algorithm, int[] order, int[] tail, int tailChars,
            int checksumChars) {
        this.id = id;
        this.prefix = prefix;
        this.algorithm = algorithm;
        this.order = order;
        this.tail = tail;
        this.tailChars = tailChars;
        this.layout = Pattern.compile(Pattern.quote(prefix)
                + "(?:rounds=(\\d{1,10})\\$)?([./0-9A-Za-z]{0,16})\\$([./0-9A-Za-z]{" + checksumChars + "})");
    }

    /** {@code $5$}. */
    static ShaCrypt sha256() {
        return new ShaCrypt("sha256-crypt", "$5$", "SHA-256", SHA256_ORDER, new int[] {31, 30}, 3, 43);
    }

    /** {@code $6$}. */
    static ShaCrypt sha512() {
        return new ShaCrypt("sha512-crypt", "$6$", "SHA-512", SHA512_ORDER, new int[] {63}, 2, 86);
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
            throw new MalformedHashException(id, "expected " + prefix
                    + "[rounds=<n>$]<salt of up to 16 characters>$<checksum> in crypt base64");
        }
        int rounds = DEFAULT_ROUNDS;
        String roundsText = h.group(1);
        if (roundsText != null) {
            long value = Long.parseLong(roundsText);
            if (roundsText.charAt(0) == '0') {
                throw new MalformedHashException(id, "rounds are zero-padded");
            }
            if (value < MIN_ROUNDS || value > MAX_ROUNDS) {
                throw new MalformedHashException(id, "rounds " + value + " are outside " + MIN_ROUNDS + ".."
                        + MAX_ROUNDS);
            }
            rounds = (int) value;
        }
        limits.checkShaCrypt(id, rounds);
        byte[] secret = Secrets.utf8OrNull(password);
        if (secret == null) {
            return false;
        }
        try {
            int n = rounds;
            String actual = limits.compute(id, 0,
                    () -> checksum(secret, h.group(2).getBytes(StandardCharsets.US_ASCII), n));
            return Secrets.equal(actual, h.group(3));
        } finally {
            Secrets.wipe(secret);
        }
    }

    /** Drepper's algorithm, steps 1 to 22; returns the encoded checksum. */
    String checksum(byte[] p, byte[] s, int rounds) {
        MessageDigest md = newDigest();
        int size = md.getDigestLength();
        md.update(p);
        md.update(s);
        md.update(p);
        byte[] b = md.digest();
        md.update(p);
        md.update(s);
        for (int n = p.length; n > 0; n -= size) {
            md.update(b, 0, Math.min(n, size));
        }
        for (int n = p.length; n > 0; n >>>= 1) {
            md.update((n & 1) != 0 ? b : p);
        }
        byte[] a = md.digest();
        for (int i = 0; i < p.length; i++) {
            md.update(p);
        }
        byte[] dp = md.digest();
        byte[] pSeq = repeat(dp, p.length);
        for (int i = 0; i < 16 + (a[0] & 0xff); i++) {
            md.update(s);
        }
        byte[] ds = md.digest();
        byte[] sSeq = repeat(ds, s.length);
        byte[] c = a;
        for (int i = 0; i < rounds; i++) {
            md.update((i & 1) != 0 ? pSeq : c);
            if (i % 3 != 0) {
                md.update(sSeq);
            }
            if (i % 7 != 0) {
                md.update(pSeq);
            }
            md.update((i & 1) != 0 ? c : pSeq);
            byte[] next = md.digest();
            Secrets.wipe(c);
            c = next;
        }
        String encoded = encode(c);
        Secrets.wipe(b, dp, pSeq, ds, sSeq, c);
        return encoded;
    }

    private String encode(byte[] c) {
        StringBuilder out = new StringBuilder(86);
        for (int i = 0; i < order.length; i += 3) {
            append(out, ((c[order[i]] & 0xff) << 16) | ((c[order[i + 1]] & 0xff) << 8) | (c[order[i + 2]] & 0xff), 4);
        }
        int w = 0;
        for (int index : tail) {
            w = (w << 8) | (c[index] & 0xff);
        }
        append(out, w, tailChars);
        return out.toString();
    }

    private static void append(StringBuilder out, int w, int chars) {
        for (int i = 0; i < chars; i++) {
            out.append(HASH64.charAt(w & 0x3f));
            w >>>= 6;
        }
    }

    private static byte[] repeat(byte[] digest, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = digest[i % digest.length];
        }
        return out;
    }

    private MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is not available", e);
        }
    }

    @Override
    public String toString() {
        return "ShaCrypt[" + id + "]";
    }
}
