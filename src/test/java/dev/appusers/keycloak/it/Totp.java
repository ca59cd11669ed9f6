package dev.appusers.keycloak.it;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An authenticator app of the tests: RFC 6238 time-based codes from the secret Keycloak shows on its "Unable to scan?"
 * page (Base32, in groups of four), with the realm's OTP policy. Keycloak refuses a code used once (its policy's
 * "reusable code" is off), so every {@link #nextCode()} is for a time step no earlier code of this app used; it waits
 * for the next step when the look-around window allows none.
 */
public final class Totp {

    private final byte[] key;
    private final String algorithm;
    private final int digits;
    private final int period;
    private final int lookAround;
    private long lastStep = Long.MIN_VALUE;

    public Totp(String base32Secret, String algorithm, int digits, int period, int lookAround) {
        this.key = base32(base32Secret);
        this.algorithm = algorithm;
        this.digits = digits;
        this.period = period;
        this.lookAround = lookAround;
    }

    /** An app for {@code secret} with the OTP policy of the realm representation {@code realm}. */
    public static Totp forRealm(String secret, JsonNode realm) {
        if (!"totp".equals(realm.path("otpPolicyType").asText())) {
            throw new AssertionError("the realm's OTP policy is not TOTP: " + realm.path("otpPolicyType"));
        }
        return new Totp(secret, realm.path("otpPolicyAlgorithm").asText(), realm.path("otpPolicyDigits").asInt(),
                realm.path("otpPolicyPeriod").asInt(), realm.path("otpPolicyLookAheadWindow").asInt());
    }

    /** The code of a time step no earlier code used, within the window Keycloak accepts. */
    public synchronized String nextCode() {
        long now = System.currentTimeMillis() / 1000 / period;
        long step = Math.max(now, lastStep + 1);
        while (step > now + lookAround) {
            sleepMillis(period * 1000L - System.currentTimeMillis() % (period * 1000L) + 50);
            now = System.currentTimeMillis() / 1000 / period;
            step = Math.max(now, lastStep + 1);
        }
        lastStep = step;
        return code(step);
    }

    /** A code Keycloak must refuse: one of a step far outside its window, unless it happens to equal a valid one. */
    public String wrongCode() {
        long now = System.currentTimeMillis() / 1000 / period;
        String wrong = code(now - 1000);
        for (long step = now - lookAround - 1; step <= now + lookAround + 1; step++) {
            if (code(step).equals(wrong)) {
                return wrongCode(wrong);
            }
        }
        return wrong;
    }

    private String wrongCode(String collision) {
        char last = collision.charAt(collision.length() - 1);
        return collision.substring(0, collision.length() - 1) + (char) ('0' + (last - '0' + 5) % 10);
    }

    /** RFC 4226's HOTP of {@code step}, truncated to the policy's digits. */
    public String code(long step) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int offset = hash[hash.length - 1] & 0x0f;
            int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                    | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
            int modulo = (int) Math.pow(10, digits);
            return String.format(Locale.ROOT, "%0" + digits + "d", binary % modulo);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm, e);
        }
    }

    /** RFC 4648 Base32, spaces and padding ignored. */
    static byte[] base32(String text) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        String clean = text.replaceAll("[\\s=]", "").toUpperCase(Locale.ROOT);
        ByteBuffer out = ByteBuffer.allocate(clean.length() * 5 / 8);
        int buffer = 0;
        int bits = 0;
        for (char c : clean.toCharArray()) {
            int value = alphabet.indexOf(c);
            if (value < 0) {
                throw new IllegalArgumentException("not Base32: " + c);
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8) {
                out.put((byte) (buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return out.array();
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
