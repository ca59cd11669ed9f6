package dev.appusers.keycloak.password;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The samples of {@code bench-samples.tsv} (shared with the C-reference script): case name, password, hash. Argon2
 * hashes are also split into their parameters, for the benchmarks that call a raw implementation.
 */
final class BenchSamples {

    /** The Litestar-Users / argon2-cffi 21.1 default, m=102400,t=2,p=8 (sample erin of hashes.json). */
    static final String ARGON2_LITESTAR = "argon2-litestar";
    /** Keycloak 26's own argon2 default, m=7168,t=5,p=1, 32-byte hash. */
    static final String ARGON2_KEYCLOAK = "argon2-keycloak";
    /** bcrypt cost 12 (sample alice of hashes.json). */
    static final String BCRYPT_12 = "bcrypt-12";

    private static final Pattern ARGON2 = Pattern.compile(
            "\\$argon2(id|i|d)\\$v=(\\d+)\\$m=(\\d+),t=(\\d+),p=(\\d+)\\$([^$]+)\\$([^$]+)");

    /** One sample. */
    record Sample(String name, String password, String hash) {
    }

    /** An argon2 hash taken apart. */
    record Argon2Hash(int type, int version, int memoryKib, int iterations, int lanes, byte[] salt, byte[] digest) {
    }

    private BenchSamples() {
    }

    /** @return the samples by case name, in file order */
    static Map<String, Sample> load() {
        Map<String, Sample> samples = new LinkedHashMap<>();
        try (InputStream in = BenchSamples.class.getResourceAsStream("/bench-samples.tsv")) {
            if (in == null) {
                throw new IllegalStateException("bench-samples.tsv is not on the classpath");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.split("\t");
                samples.put(fields[0], new Sample(fields[0], fields[1], fields[2]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return samples;
    }

    /** Splits a {@code $argon2<type>$v=..$m=..,t=..,p=..$salt$digest} string. */
    static Argon2Hash parseArgon2(String hash) {
        Matcher m = ARGON2.matcher(hash);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a plain argon2 PHC string");
        }
        int type = "id".equals(m.group(1)) ? Argon2Engine.ARGON2_ID
                : "i".equals(m.group(1)) ? Argon2Engine.ARGON2_I : Argon2Engine.ARGON2_D;
        int version = Integer.parseInt(m.group(2)) == 19 ? Argon2Engine.VERSION_13 : Argon2Engine.VERSION_10;
        return new Argon2Hash(type, version, Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)),
                Integer.parseInt(m.group(5)), PasslibBase64.decodeStandard(m.group(6)),
                PasslibBase64.decodeStandard(m.group(7)));
    }
}
