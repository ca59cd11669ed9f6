package dev.appusers.keycloak.password;

/**
 * Fills one segment (one lane's part of one slice) of an Argon2 memory: reference-block indexing of RFC 9106
 * section 3.4 (data-dependent for Argon2d, data-independent for Argon2i, Argon2id switching after the first half
 * of the first pass) and the compression of {@link Argon2Block}.
 *
 * <p>Segments of different lanes in the same slice only read blocks outside that slice of the other lanes, so they
 * may be filled concurrently; each call uses its own scratch blocks.
 */
final class Argon2Segment {

    private static final int WORDS = Argon2Block.WORDS;
    private static final long LOW_32 = 0xFFFFFFFFL;

    private final long[] memory;
    private final int type;
    private final int version;
    private final int passes;
    private final int lanes;
    private final int laneLength;
    private final int segmentLength;

    Argon2Segment(long[] memory, int type, int version, int passes, int lanes, int laneLength, int segmentLength) {
        this.memory = memory;
        this.type = type;
        this.version = version;
        this.passes = passes;
        this.lanes = lanes;
        this.laneLength = laneLength;
        this.segmentLength = segmentLength;
    }

    /** Fills the segment of {@code lane} in {@code slice} of {@code pass}. */
    void fill(int pass, int slice, int lane) {
        boolean dataIndependent = type == Argon2Engine.ARGON2_I
                || (type == Argon2Engine.ARGON2_ID && pass == 0 && slice < 2);
        boolean xor = pass > 0 && version != Argon2Engine.VERSION_10;
        long[] r = new long[WORDS];
        long[] input = null;
        long[] addresses = null;
        int start = pass == 0 && slice == 0 ? 2 : 0;
        if (dataIndependent) {
            input = new long[WORDS];
            addresses = new long[WORDS];
            input[0] = pass;
            input[1] = lane;
            input[2] = slice;
            input[3] = (long) laneLength * lanes;
            input[4] = passes;
            input[5] = type;
            if (start != 0) {
                Argon2Block.nextAddresses(input, addresses, r);
            }
        }
        int laneStart = lane * laneLength;
        int cur = laneStart + slice * segmentLength + start;
        for (int i = start; i < segmentLength; i++, cur++) {
            int prev = cur == laneStart ? laneStart + laneLength - 1 : cur - 1;
            long pseudoRandom;
            if (dataIndependent) {
                if ((i & (WORDS - 1)) == 0) {
                    Argon2Block.nextAddresses(input, addresses, r);
                }
                pseudoRandom = addresses[i & (WORDS - 1)];
            } else {
                pseudoRandom = memory[prev * WORDS];
            }
            int refLane = pass == 0 && slice == 0 || lanes == 1 ? lane : (int) ((pseudoRandom >>> 32) % lanes);
            int ref = refLane * laneLength + referenceIndex(pass, slice, i, refLane == lane, pseudoRandom & LOW_32);
            Argon2Block.fill(memory, prev * WORDS, ref * WORDS, cur * WORDS, xor, r);
        }
    }

    /** The index within the reference lane of the block that block {@code i} of the segment references. */
    private int referenceIndex(int pass, int slice, int i, boolean sameLane, long j1) {
        long area;
        if (pass == 0) {
            if (slice == 0) {
                area = i - 1;
            } else if (sameLane) {
                area = (long) slice * segmentLength + i - 1;
            } else {
                area = (long) slice * segmentLength + (i == 0 ? -1 : 0);
            }
        } else if (sameLane) {
            area = laneLength - segmentLength + i - 1;
        } else {
            area = laneLength - segmentLength + (i == 0 ? -1 : 0);
        }
        long x = (j1 * j1) >>> 32;
        long relative = area - 1 - ((area * x) >>> 32);
        long startPosition = pass != 0 && slice != 3 ? (long) (slice + 1) * segmentLength : 0;
        long index = startPosition + relative; // both below laneLength: one subtraction replaces "% laneLength"
        return (int) (index >= laneLength ? index - laneLength : index);
    }
}
