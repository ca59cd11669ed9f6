package dev.appusers.keycloak.password;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * Ours against the C reference, alternately, in one process: the C side is {@code argon2_verify} of the system's
 * libargon2 (the very library argon2-cffi calls, Debian's {@code libargon2-1}), loaded with JNA. Alternating makes
 * both sides see the same background load, which on a shared machine moves far more than the difference being
 * measured; the JMH table and the Python script measure one after the other.
 *
 * <p>For bcrypt the C side is {@code bcrypt_hashpass} of pyca/bcrypt's own extension module (it exports it), so
 * the comparison covers bcrypt too when that module's path is given.
 *
 * <p>Usage: {@code InterleavedProbe <output.json> [libargon2 [pyca bcrypt module]]} (default {@code libargon2.so.1}
 * and no bcrypt); prints one line per case of {@code bench-samples.tsv}.
 */
public final class InterleavedProbe {

    /** The part of libargon2's API used here. */
    public interface LibArgon2 extends Library {
        /** @return 0 (ARGON2_OK) when the password matches the encoded hash */
        int argon2_verify(String encoded, byte[] pwd, long pwdlen, int type);
    }

    /** The C function of pyca/bcrypt's extension module (OpenBSD's bcrypt), which {@code bcrypt.checkpw} calls. */
    public interface PycaBcrypt extends Library {
        /** Writes the full bcrypt string of {@code key} with the salt and cost of {@code salt}; 0 on success. */
        int bcrypt_hashpass(String key, String salt, byte[] encrypted, long encryptedlen);
    }

    private static final int RTLD_LAZY = 0x1;
    private static final int RTLD_GLOBAL = 0x100;

    private InterleavedProbe() {
    }

    /** Runs the probe; see the class comment. */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        String library = args.length > 1 ? args[1] : "libargon2.so.1";
        LibArgon2 c = Native.load(library, LibArgon2.class);
        PycaBcrypt pyca = args.length > 2 ? loadPyca(args[2]) : null;
        PasswordSchemes schemes = PasswordSchemes.defaults();
        StringBuilder json = new StringBuilder("{\"library\": \"" + library + "\", \"results\": [");
        String separator = "";
        for (BenchSamples.Sample s : BenchSamples.load().values()) {
            BooleanSupplier ours = () -> schemes.verify(s.password(), s.hash()) == Verification.MATCH;
            BooleanSupplier reference;
            int rounds;
            if (s.hash().startsWith("$argon2")) {
                BenchSamples.Argon2Hash parts = BenchSamples.parseArgon2(s.hash());
                byte[] password = s.password().getBytes(StandardCharsets.UTF_8);
                reference = () -> c.argon2_verify(s.hash(), password, password.length, parts.type()) == 0;
                long work = (long) parts.memoryKib() * parts.iterations();
                rounds = (int) Math.max(6, Math.min(60, 2_400_000L / work));
            } else if (pyca != null) {
                reference = () -> {
                    byte[] encrypted = new byte[128];
                    return pyca.bcrypt_hashpass(s.password(), s.hash(), encrypted, encrypted.length) == 0
                            && s.hash().equals(Native.toString(encrypted, "US-ASCII"));
                };
                rounds = 12;
            } else {
                continue;
            }
            long[][] times = alternate(rounds, ours, reference);
            double oursMedian = times[0][rounds / 2] / 1e6;
            double cMedian = times[1][rounds / 2] / 1e6;
            double oursBest = times[0][0] / 1e6;
            double cBest = times[1][0] / 1e6;
            System.out.printf(Locale.ROOT, "interleaved %-16s %2d rounds: ours median %8.1f ms, best %8.1f ms; "
                    + "C median %8.1f ms, best %8.1f ms; ours / C = %.2f (medians), %.2f (best)%n", s.name(),
                    rounds, oursMedian, oursBest, cMedian, cBest, cMedian / oursMedian, cBest / oursBest);
            json.append(separator).append(String.format(Locale.ROOT, "{\"case\": \"%s\", \"rounds\": %d, "
                    + "\"oursMedianMs\": %.2f, \"oursBestMs\": %.2f, \"cMedianMs\": %.2f, \"cBestMs\": %.2f}",
                    s.name(), rounds, oursMedian, oursBest, cMedian, cBest));
            separator = ", ";
        }
        json.append("]}\n");
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, json, StandardCharsets.UTF_8);
    }

    /**
     * Loads pyca/bcrypt's extension module; the Python symbols it refers to (never reached by
     * {@code bcrypt_hashpass}) come from libpython, loaded first into the global namespace. {@code null} if either
     * does not load.
     */
    private static PycaBcrypt loadPyca(String module) {
        String libpython = System.getProperty("bench.libpython", "libpython3.11.so.1.0");
        try {
            NativeLibrary.getInstance(libpython, Map.of(Library.OPTION_OPEN_FLAGS, RTLD_LAZY | RTLD_GLOBAL));
            return Native.load(module, PycaBcrypt.class,
                    Map.of(Library.OPTION_OPEN_FLAGS, RTLD_LAZY | RTLD_GLOBAL));
        } catch (UnsatisfiedLinkError e) {
            String message = String.valueOf(e.getMessage());
            System.out.println("interleaved: pyca/bcrypt's module does not load here (" + libpython + ", "
                    + message.substring(0, Math.min(message.length(), 160)) + "); bcrypt skipped");
            return null;
        }
    }

    /** Times {@code a} and {@code b} alternately after two warm-up rounds; returns both sorted, in nanoseconds. */
    private static long[][] alternate(int rounds, BooleanSupplier a, BooleanSupplier b) {
        long[][] times = new long[2][rounds];
        for (int round = -2; round < rounds; round++) {
            for (int side = 0; side < 2; side++) {
                BooleanSupplier verify = side == 0 ? a : b;
                long start = System.nanoTime();
                if (!verify.getAsBoolean()) {
                    throw new IllegalStateException((side == 0 ? "ours" : "the C reference")
                            + " does not verify a sample");
                }
                if (round >= 0) {
                    times[side][round] = System.nanoTime() - start;
                }
            }
        }
        Arrays.sort(times[0]);
        Arrays.sort(times[1]);
        return times;
    }
}
