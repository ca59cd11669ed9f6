package dev.appusers.keycloak.password;

import java.util.Arrays;

import org.bouncycastle.crypto.digests.Blake2bDigest;

/**
 * Argon2 (RFC 9106: Argon2d, Argon2i and Argon2id, versions 0x10 and 0x13) computing the lanes of each slice in
 * parallel (see {@link LaneRunner}).
 *
 * <p>The memory of one computation is a single {@code long[]} of {@code m'} blocks (128 words each, {@code m'} being
 * {@code m} rounded down to a multiple of {@code 4p}), allocated per call, shared by nothing else and zeroed before
 * the call returns. BLAKE2b comes from BouncyCastle, which Keycloak ships.
 *
 * <p>Callers validate the parameters ({@link Argon2} does): {@code p >= 1}, {@code m >= 8p}, {@code t >= 1},
 * {@code m} at most 2^21 KiB, tag length at least 4 bytes.
 */
final class Argon2Engine {

    /** Type codes {@code y} of RFC 9106. */
    static final int ARGON2_D = 0;
    static final int ARGON2_I = 1;
    static final int ARGON2_ID = 2;
    /** Version codes. */
    static final int VERSION_10 = 0x10;
    static final int VERSION_13 = 0x13;

    private static final int BLOCK_BYTES = 1024;
    private static final int SYNC_POINTS = 4;

    private Argon2Engine() {
    }

    /**
     * Computes an Argon2 tag.
     *
     * @param type {@link #ARGON2_D}, {@link #ARGON2_I} or {@link #ARGON2_ID}
     * @param version {@link #VERSION_10} or {@link #VERSION_13}
     * @param memoryKib {@code m}
     * @param passes {@code t}
     * @param lanes {@code p}
     * @param password {@code P}
     * @param salt {@code S}
     * @param secret {@code K}, may be {@code null}
     * @param data associated data {@code X}, may be {@code null}
     * @param tagLength {@code T} in bytes
     * @param parallel whether lanes may be computed on several threads
     * @return the tag
     */
    static byte[] derive(int type, int version, int memoryKib, int passes, int lanes, byte[] password, byte[] salt,
            byte[] secret, byte[] data, int tagLength, boolean parallel) {
        int laneLength = memoryKib / (SYNC_POINTS * lanes) * SYNC_POINTS;
        int segmentLength = laneLength / SYNC_POINTS;
        byte[] h0 = initialHash(type, version, memoryKib, passes, lanes, password, salt, secret, data, tagLength);
        long[] memory = new long[laneLength * lanes * Argon2Block.WORDS];
        byte[] block = new byte[BLOCK_BYTES];
        try {
            for (int lane = 0; lane < lanes; lane++) {
                for (int column = 0; column < 2; column++) {
                    Arrays.fill(h0, 64, 72, (byte) 0);
                    putLe32(h0, 64, column);
                    putLe32(h0, 68, lane);
                    hashLong(BLOCK_BYTES, block, h0);
                    toWords(block, memory, (lane * laneLength + column) * Argon2Block.WORDS);
                }
            }
            Argon2Segment segments = new Argon2Segment(memory, type, version, passes, lanes, laneLength,
                    segmentLength);
            for (int pass = 0; pass < passes; pass++) {
                for (int slice = 0; slice < SYNC_POINTS; slice++) {
                    final int p = pass;
                    final int s = slice;
                    LaneRunner.runLanes(lanes, parallel, lane -> segments.fill(p, s, lane));
                }
            }
            long[] last = new long[Argon2Block.WORDS];
            for (int lane = 0; lane < lanes; lane++) {
                int offset = ((lane + 1) * laneLength - 1) * Argon2Block.WORDS;
                for (int k = 0; k < Argon2Block.WORDS; k++) {
                    last[k] ^= memory[offset + k];
                }
            }
            toBytes(last, block);
            Arrays.fill(last, 0L);
            byte[] tag = new byte[tagLength];
            hashLong(tagLength, tag, block);
            return tag;
        } finally {
            Arrays.fill(memory, 0L);
            Arrays.fill(block, (byte) 0);
            Arrays.fill(h0, (byte) 0);
        }
    }

    /** H0 (64 bytes) followed by 8 zero bytes for the column and lane numbers of the first blocks. */
    private static byte[] initialHash(int type, int version, int memoryKib, int passes, int lanes, byte[] password,
            byte[] salt, byte[] secret, byte[] data, int tagLength) {
        Blake2bDigest digest = new Blake2bDigest(512);
        byte[] word = new byte[4];
        for (int value : new int[] {lanes, tagLength, memoryKib, passes, version, type}) {
            putLe32(word, 0, value);
            digest.update(word, 0, 4);
        }
        for (byte[] input : new byte[][] {password, salt, secret, data}) {
            int length = input == null ? 0 : input.length;
            putLe32(word, 0, length);
            digest.update(word, 0, 4);
            if (length > 0) {
                digest.update(input, 0, length);
            }
        }
        byte[] h0 = new byte[72];
        digest.doFinal(h0, 0);
        return h0;
    }

    /** The variable-length hash H' of RFC 9106 section 3.3, writing {@code length} bytes to {@code out}. */
    static void hashLong(int length, byte[] out, byte[] input) {
        byte[] prefix = new byte[4];
        putLe32(prefix, 0, length);
        if (length <= 64) {
            Blake2bDigest digest = new Blake2bDigest(length * 8);
            digest.update(prefix, 0, 4);
            digest.update(input, 0, input.length);
            digest.doFinal(out, 0);
            return;
        }
        int full = (length + 31) / 32 - 2;
        byte[] v = new byte[64];
        Blake2bDigest digest = new Blake2bDigest(512);
        digest.update(prefix, 0, 4);
        digest.update(input, 0, input.length);
        digest.doFinal(v, 0);
        System.arraycopy(v, 0, out, 0, 32);
        for (int i = 1; i < full; i++) {
            digest.update(v, 0, 64);
            digest.doFinal(v, 0);
            System.arraycopy(v, 0, out, 32 * i, 32);
        }
        Blake2bDigest lastDigest = new Blake2bDigest((length - 32 * full) * 8);
        lastDigest.update(v, 0, 64);
        byte[] last = new byte[length - 32 * full];
        lastDigest.doFinal(last, 0);
        System.arraycopy(last, 0, out, 32 * full, last.length);
        Arrays.fill(v, (byte) 0);
        Arrays.fill(last, (byte) 0);
    }

    private static void putLe32(byte[] out, int offset, int value) {
        out[offset] = (byte) value;
        out[offset + 1] = (byte) (value >>> 8);
        out[offset + 2] = (byte) (value >>> 16);
        out[offset + 3] = (byte) (value >>> 24);
    }

    private static void toWords(byte[] bytes, long[] words, int offset) {
        for (int k = 0; k < Argon2Block.WORDS; k++) {
            long w = 0;
            for (int b = 7; b >= 0; b--) {
                w = (w << 8) | (bytes[8 * k + b] & 0xFF);
            }
            words[offset + k] = w;
        }
    }

    private static void toBytes(long[] words, byte[] bytes) {
        for (int k = 0; k < Argon2Block.WORDS; k++) {
            long w = words[k];
            for (int b = 0; b < 8; b++) {
                bytes[8 * k + b] = (byte) (w >>> (8 * b));
            }
        }
    }
}
