package dev.appusers.keycloak.password;

/**
 * The Argon2 compression function G of RFC 9106 (section 3.5) on 1 KiB blocks of 128 little-endian 64-bit words,
 * stored back to back in one {@code long[]}: block {@code b} occupies words {@code 128*b .. 128*b+127}.
 *
 * <p>Stateless; each caller brings its own scratch blocks, so lanes can be filled concurrently.
 */
final class Argon2Block {

    /** Words in one block. */
    static final int WORDS = 128;

    private static final long LOW_32 = 0xFFFFFFFFL;

    private Argon2Block() {
    }

    /**
     * {@code memory[cur] = G(memory[prev], memory[ref])}, or with {@code xor} (version 0x13, passes after the
     * first) {@code memory[cur] ^= G(memory[prev], memory[ref])}. Offsets are word offsets (128 times the block
     * index). G(X, Y) = P(R) ^ R with R = X ^ Y: R goes to the destination first (xored in, or stored), then P(R).
     *
     * @param r scratch block of 128 words
     */
    static void fill(long[] memory, int prev, int ref, int cur, boolean xor, long[] r) {
        if (xor) {
            for (int k = 0; k < WORDS; k++) {
                long w = memory[prev + k] ^ memory[ref + k];
                r[k] = w;
                memory[cur + k] ^= w;
            }
        } else {
            for (int k = 0; k < WORDS; k++) {
                long w = memory[prev + k] ^ memory[ref + k];
                r[k] = w;
                memory[cur + k] = w;
            }
        }
        permuteBlock(r);
        for (int k = 0; k < WORDS; k++) {
            memory[cur + k] ^= r[k];
        }
    }

    /**
     * The address block of data-independent addressing (RFC 9106 section 3.4.1.2): increments the counter word
     * {@code input[6]} and sets {@code addresses = G(0, G(0, input))}.
     *
     * @param scratch scratch block of 128 words
     */
    static void nextAddresses(long[] input, long[] addresses, long[] scratch) {
        input[6]++;
        compressWithZero(input, scratch);
        compressWithZero(scratch, addresses);
    }

    /** {@code out = G(0, in) = P(in) ^ in}. */
    private static void compressWithZero(long[] in, long[] out) {
        System.arraycopy(in, 0, out, 0, WORDS);
        permuteBlock(out);
        for (int k = 0; k < WORDS; k++) {
            out[k] ^= in[k];
        }
    }

    /** Applies the permutation P to the eight rows, then to the eight columns, of a block in place. */
    private static void permuteBlock(long[] v) {
        for (int row = 0; row < 8; row++) {
            int b = 16 * row;
            permute(v, b, b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7,
                    b + 8, b + 9, b + 10, b + 11, b + 12, b + 13, b + 14, b + 15);
        }
        for (int column = 0; column < 8; column++) {
            int b = 2 * column;
            permute(v, b, b + 1, b + 16, b + 17, b + 32, b + 33, b + 48, b + 49,
                    b + 64, b + 65, b + 80, b + 81, b + 96, b + 97, b + 112, b + 113);
        }
    }

    /**
     * The BLAKE2b-based permutation P on the sixteen words at the given indices: four column steps, then four
     * diagonal steps.
     */
    private static void permute(long[] v, int i0, int i1, int i2, int i3, int i4, int i5, int i6, int i7,
            int i8, int i9, int i10, int i11, int i12, int i13, int i14, int i15) {
        mixQuarter(v, i0, i4, i8, i12);
        mixQuarter(v, i1, i5, i9, i13);
        mixQuarter(v, i2, i6, i10, i14);
        mixQuarter(v, i3, i7, i11, i15);
        mixQuarter(v, i0, i5, i10, i15);
        mixQuarter(v, i1, i6, i11, i12);
        mixQuarter(v, i2, i7, i8, i13);
        mixQuarter(v, i3, i4, i9, i14);
    }

    /**
     * The function GB of RFC 9106 section 3.6 on four words of {@code v}. Loading the four words into locals (rather
     * than keeping all sixteen of a permutation in locals) leaves the JIT enough registers to avoid spilling.
     */
    private static void mixQuarter(long[] v, int ia, int ib, int ic, int id) {
        long a = v[ia];
        long b = v[ib];
        long c = v[ic];
        long d = v[id];
        a = mix(a, b);
        d = Long.rotateRight(d ^ a, 32);
        c = mix(c, d);
        b = Long.rotateRight(b ^ c, 24);
        a = mix(a, b);
        d = Long.rotateRight(d ^ a, 16);
        c = mix(c, d);
        b = Long.rotateRight(b ^ c, 63);
        v[ia] = a;
        v[ib] = b;
        v[ic] = c;
        v[id] = d;
    }

    /** BlaMka's multiply-add: {@code x + y + 2 * lo32(x) * lo32(y)} modulo 2^64. */
    private static long mix(long x, long y) {
        return x + y + 2 * (x & LOW_32) * (y & LOW_32);
    }
}
