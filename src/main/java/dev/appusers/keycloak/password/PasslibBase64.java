package dev.appusers.keycloak.password;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The base64 flavours the hash formats use, all without padding:
 * <ul>
 *   <li>standard ({@code A-Za-z0-9+/}), as in PHC strings ({@code $argon2id$...});</li>
 *   <li>passlib's "adapted base64" ({@code ab64}): standard with {@code '.'} instead of {@code '+'}, as in
 *       {@code $pbkdf2-sha256$...};</li>
 *   <li>bcrypt's alphabet ({@code ./A-Za-z0-9}, same bit order as standard), for the 22-character bcrypt salt.</li>
 * </ul>
 * Decoders throw {@link IllegalArgumentException} with a message that never contains the input.
 */
final class PasslibBase64 {

    private static final String STANDARD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private static final String BCRYPT = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /** Number of characters of a bcrypt salt, and the bytes they carry. */
    static final int BCRYPT_SALT_CHARS = 22;
    static final int BCRYPT_SALT_BYTES = 16;

    private PasslibBase64() {
    }

    /** Decodes unpadded standard base64. */
    static byte[] decodeStandard(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (STANDARD.indexOf(text.charAt(i)) < 0) {
                throw new IllegalArgumentException("invalid base64 character");
            }
        }
        return decode(text);
    }

    /** Encodes as unpadded standard base64. */
    static String encodeStandard(byte[] data) {
        return Base64.getEncoder().withoutPadding().encodeToString(data);
    }

    /** Decodes passlib's adapted base64 ({@code '.'} for {@code '+'}; a {@code '+'} is tolerated, as passlib does). */
    static byte[] decodeAdapted(String text) {
        return decodeStandard(text.replace('.', '+'));
    }

    /** Encodes as passlib's adapted base64. */
    static String encodeAdapted(byte[] data) {
        return encodeStandard(data).replace('+', '.');
    }

    /** Decodes a 22-character bcrypt-alphabet salt to its 16 bytes (the 4 padding bits are dropped). */
    static byte[] decodeBcryptSalt(String text) {
        if (text.length() != BCRYPT_SALT_CHARS) {
            throw new IllegalArgumentException("bcrypt salt must be " + BCRYPT_SALT_CHARS + " characters");
        }
        char[] translated = new char[text.length()];
        for (int i = 0; i < text.length(); i++) {
            int index = BCRYPT.indexOf(text.charAt(i));
            if (index < 0) {
                throw new IllegalArgumentException("invalid bcrypt base64 character");
            }
            translated[i] = STANDARD.charAt(index);
        }
        return decode(new String(translated));
    }

    /** Whether the bcrypt-alphabet character encodes a value whose 4 low bits are zero (a canonical last salt char). */
    static boolean isCanonicalBcryptSaltEnd(char last) {
        return (BCRYPT.indexOf(last) & 0x0f) == 0;
    }

    private static byte[] decode(String text) {
        if (text.length() % 4 == 1) {
            throw new IllegalArgumentException("invalid base64 length");
        }
        try {
            return Base64.getDecoder().decode(text.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid base64");
        }
    }
}
