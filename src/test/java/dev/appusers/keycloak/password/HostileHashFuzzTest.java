package dev.appusers.keycloak.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Thousands of hostile hash strings per scheme (fixed seed), made from the real samples of {@code appdb/hashes.json}
 * with their cost lowered: truncated, over-long, bad base64, negative, zero, overflowing and huge parameters,
 * non-ASCII, random text after a valid prefix. Each is refused, mismatches or is malformed, never throws anything
 * else, takes little time and allocates little: the default ceilings and a 16 MiB memory budget refuse the huge ones
 * before anything is computed or allocated.
 */
class HostileHashFuzzTest {

    private static final int CASES_PER_SCHEME = 2000;
    /**
     * CPU time of the verifying thread, not wall-clock time: a case that slipped past the ceilings (a huge count of
     * rounds computed) spends seconds of CPU, whereas a busy machine only stretches the wall clock.
     */
    private static final long MAX_CASE_CPU_MILLIS = 1000;
    private static final long MAX_CASE_ALLOCATION = 24L * 1024 * 1024;
    private static final String WRONG_PASSWORD = "fuzz-Wrong-Password-1";
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /**
     * Numbers a parameter field may be replaced with: malformed, over a ceiling, over the 16 MiB budget as argon2
     * memory (20000, 65536), or cheap; none costs more than some 100 ms in any field.
     */
    private static final String[] HOSTILE_NUMBERS = {"0", "-1", "00", "01", "", "1", "2", "+5", "1e3", "0x10",
        "17", "31", "32", "65", "1025", "20000", "65536", "2097152", "2097153", "2000001", "999999999",
        "1000000000", "2147483647", "2147483648", "4294967296", "9223372036854775807", "9223372036854775808",
        "99999999999999999999", "\u0663", "\uFF11\uFF12", "1\u00A0"};
    private static final String ODD_CHARS = "$=,.!/+-_ \u0000\u00E9\u20AC\uD800\uDE00\uFFFD\u202E\uD83D\uDE00\n\t";
    private static final String BASE64 = "./+ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final Pattern NUMBER = Pattern.compile("\\d+");

    /** The samples with a cost that takes a millisecond or so (digests no longer match, which is fine). */
    private static Map<String, List<String>> templates() {
        Map<String, List<String>> templates = new LinkedHashMap<>();
        for (HashSamples.Sample sample : HashSamples.all()) {
            String cheap = sample.hash()
                    .replaceFirst("^\\$(2[aby])\\$\\d\\d\\$", "\\$$1\\$04\\$")
                    .replaceFirst("r=\\d+", "r=4")
                    .replaceFirst("m=\\d+,t=\\d+,p=\\d+", "m=64,t=1,p=2")
                    .replaceFirst("^\\$(pbkdf2-sha\\d+)\\$\\d+", "\\$$1\\$1")
                    .replaceFirst("rounds=\\d+", "rounds=1000");
            templates.computeIfAbsent(HashSamples.schemeId(sample.scheme()) + ":" + cheap.substring(0, 3),
                    k -> new ArrayList<>()).add(cheap);
        }
        return templates;
    }

    @Test
    void hostileHashesAreRefusedCheaplyAndNeverThrow() {
        CostLimits limits = CostLimits.defaults().withGuards(ComputeSlots.shared(), new MemoryBudget(16 * 1024, 1L << 30));
        PasswordSchemes schemes = PasswordSchemes.defaults();
        Random random = new Random(20261207L);
        Map<Verification, Integer> verdicts = new LinkedHashMap<>();
        long started = System.nanoTime();
        long slowest = 0;
        int cases = 0;
        for (List<String> family : templates().values()) {
            for (int i = 0; i < CASES_PER_SCHEME; i++) {
                String hash = mutate(family.get(random.nextInt(family.size())), random);
                long allocated = THREADS.getCurrentThreadAllocatedBytes();
                long start = THREADS.getCurrentThreadCpuTime();
                Verification verdict = verifyDirectly(schemes, hash, limits);
                long millis = (THREADS.getCurrentThreadCpuTime() - start) / 1_000_000;
                long bytes = THREADS.getCurrentThreadAllocatedBytes() - allocated;
                assertThat(verdict).as(describe(hash)).isIn(Verification.MISMATCH, Verification.MALFORMED_HASH,
                        Verification.OVER_LIMIT, Verification.UNKNOWN_SCHEME);
                assertThat(millis).as("CPU ms of %s", describe(hash)).isLessThan(MAX_CASE_CPU_MILLIS);
                assertThat(bytes).as(describe(hash)).isLessThan(MAX_CASE_ALLOCATION);
                verdicts.merge(verdict, 1, Integer::sum);
                slowest = Math.max(slowest, millis);
                cases++;
            }
        }
        System.out.printf("Fuzz: %d hostile hashes in %d ms, slowest %d ms of CPU: %s%n", cases,
                (System.nanoTime() - started) / 1_000_000, slowest, verdicts);
        assertThat(verdicts).containsKeys(Verification.MISMATCH, Verification.MALFORMED_HASH, Verification.OVER_LIMIT);
    }

    /** Verifies through the scheme itself, so that an unexpected exception is not turned into a verdict. */
    private static Verification verifyDirectly(PasswordSchemes schemes, String hash, CostLimits limits) {
        Optional<PasswordScheme> scheme = schemes.forHash(hash);
        if (scheme.isEmpty()) {
            return schemes.check(WRONG_PASSWORD, hash, limits).verification();
        }
        try {
            return scheme.get().verify(WRONG_PASSWORD, hash, limits) ? Verification.MATCH : Verification.MISMATCH;
        } catch (MalformedHashException e) {
            return Verification.MALFORMED_HASH;
        } catch (HashCostException e) {
            return Verification.OVER_LIMIT;
        } catch (RuntimeException e) {
            return fail("%s threw %s", describe(hash), e);
        }
    }

    /** One to three mutations; digits of the parameters change only to {@link #HOSTILE_NUMBERS}. */
    static String mutate(String hash, Random random) {
        String out = hash;
        int mutations = 1 + random.nextInt(3);
        for (int i = 0; i < mutations; i++) {
            int saltStart = Math.max(0, out.lastIndexOf('$', Math.max(0, out.lastIndexOf('$') - 1)) + 1);
            switch (random.nextInt(8)) {
                case 0 -> out = out.substring(0, random.nextInt(out.length() + 1));
                case 1 -> out = out + randomText(random, random.nextInt(4) == 0 ? 5000 : 40);
                case 2 -> out = replaceNumber(out, saltStart, random);
                case 3 -> out = replaceAfter(out, saltStart, random, ODD_CHARS);
                case 4 -> out = replaceAfter(out, saltStart, random, BASE64);
                case 5 -> out = out.substring(0, Math.min(out.length(), 1 + out.indexOf('$', 1)))
                        + randomText(random, random.nextInt(200));
                case 6 -> {
                    int at = saltStart + random.nextInt(Math.max(1, out.length() - saltStart));
                    out = out.substring(0, Math.min(at, out.length())) + out.substring(Math.min(at + 1, out.length()));
                }
                default -> out = out + (random.nextBoolean() ? "=" : "$" + out.substring(saltStart));
            }
        }
        return out;
    }

    private static String replaceNumber(String hash, int end, Random random) {
        Matcher m = NUMBER.matcher(hash.substring(0, Math.min(end, hash.length())));
        List<int[]> runs = new ArrayList<>();
        while (m.find()) {
            runs.add(new int[] {m.start(), m.end()});
        }
        if (runs.isEmpty()) {
            return hash;
        }
        int[] run = runs.get(random.nextInt(runs.size()));
        return hash.substring(0, run[0]) + HOSTILE_NUMBERS[random.nextInt(HOSTILE_NUMBERS.length)]
                + hash.substring(run[1]);
    }

    private static String replaceAfter(String hash, int from, Random random, String alphabet) {
        if (from >= hash.length()) {
            return hash;
        }
        int at = from + random.nextInt(hash.length() - from);
        return hash.substring(0, at) + alphabet.charAt(random.nextInt(alphabet.length())) + hash.substring(at + 1);
    }

    private static String randomText(Random random, int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(random.nextInt(3) == 0 ? (char) random.nextInt(0x3000)
                    : ODD_CHARS.charAt(random.nextInt(ODD_CHARS.length())));
        }
        return text.toString();
    }

    private static String describe(String hash) {
        return "hostile hash of " + hash.length() + " chars starting " + hash.substring(0, Math.min(40, hash.length()));
    }
}
