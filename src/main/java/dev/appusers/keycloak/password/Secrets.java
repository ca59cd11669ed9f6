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

    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    /**
     * Encodes a password as UTF-8 the way Python's {@code str.encode("utf-8")} does, refusing unpaired surrogates
     * (which Python cannot encode either) instead of silently replacing them with {@code '?'}.
     *
     * @return the bytes, or {@code null} if the password is not valid Unicode
     */
    static byte[] utf8OrNull(String password) {
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
     * @throws IllegalArgumentException if the password is not valid Unicode
     */
    static byte[] utf8(String password) {
        byte[] bytes = utf8OrNull(password);
        if (bytes == null) {
            throw new IllegalArgumentException("password is not valid Unicode (unpaired surrogate)");
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
