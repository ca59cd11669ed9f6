package dev.appusers.keycloak.password;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

/** Byte-level helpers shared by the schemes: strict UTF-8, constant-time comparison, wiping, random salts. */
final class Secrets {

    /** The longest password any scheme accepts, in UTF-8 bytes (passlib's own limit). */
    static final int MAX_PASSWORD_BYTES = 4096;

    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    /**
     * Encodes a password as UTF-8 the way Python's {@code str.encode("utf-8")} does, refusing unpaired surrogates
     * (which Python cannot encode either) instead of silently replacing them with {@code '?'}.
     *
     * @return the bytes, or {@code null} if the password is not valid Unicode or longer than
     *     {@value #MAX_PASSWORD_BYTES} UTF-8 bytes
     */
    static byte[] utf8OrNull(String password) {
        if (utf8Length(password) > MAX_PASSWORD_BYTES) {
            return null;
        }
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer buffer;
        try {
            buffer = encoder.encode(CharBuffer.wrap(password));
        } catch (CharacterCodingException e) {
            return null;
        }
        byte[] bytes = Arrays.copyOfRange(buffer.array(), buffer.arrayOffset() + buffer.position(),
                buffer.arrayOffset() + buffer.limit());
        wipe(buffer.array());
        return bytes;
    }

    /**
     * Like {@link #utf8OrNull(String)}, for hashing.
     *
     * @throws IllegalArgumentException if the password is not valid Unicode or too long
     */
    static byte[] utf8(String password) {
        if (utf8Length(password) > MAX_PASSWORD_BYTES) {
            throw new IllegalArgumentException("password is longer than " + MAX_PASSWORD_BYTES + " UTF-8 bytes");
        }
        byte[] bytes = utf8OrNull(password);
        if (bytes == null) {
            throw new IllegalArgumentException("password is not valid Unicode (unpaired surrogate)");
        }
        return bytes;
    }

    /**
     * The UTF-8 length of a password without encoding it (an unpaired surrogate counts 3 bytes, as Java's
     * replacement would); counting stops past {@value #MAX_PASSWORD_BYTES}.
     */
    static int utf8Length(String password) {
        if (password.length() > MAX_PASSWORD_BYTES) {
            return password.length();
        }
        int bytes = 0;
        for (int i = 0; i < password.length(); i++) {
            char c = password.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < password.length()
                    && Character.isLowSurrogate(password.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** Constant-time comparison (for equal lengths). */
    static boolean equal(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    /** Constant-time comparison of two ASCII strings (encoded digests). */
    static boolean equal(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }

    /** Overwrites the arrays with zeros; {@code null} entries are skipped. */
    static void wipe(byte[]... arrays) {
        for (byte[] array : arrays) {
            if (array != null) {
                Arrays.fill(array, (byte) 0);
            }
        }
    }

    /** @return {@code length} bytes from a shared {@link SecureRandom} */
    static byte[] randomSalt(int length) {
        byte[] salt = new byte[length];
        RANDOM.nextBytes(salt);
        return salt;
    }
}
