package dev.appusers.keycloak.password;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.password4j.Argon2Function;
import com.password4j.BcryptFunction;
import com.password4j.Password;

import de.mkammerer.argon2.Argon2;
import de.mkammerer.argon2.Argon2Factory;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Time to verify one correct password, one thread, per case and implementation. Method names are
 * {@code <case>_<implementation>}; {@code src/bench/python/report.py} reads them.
 *
 * <ul>
 *   <li>{@code ours}: {@link PasswordSchemes#verify(String, String)}, the extension's full path (parse, compute,
 *       compare);</li>
 *   <li>{@code oursOneThread}: the same Argon2 engine with every lane on the calling thread;</li>
 *   <li>{@code bouncyCastle}: BouncyCastle's {@link Argon2BytesGenerator} (the extension's previous Argon2) or
 *       {@link OpenBSDBCrypt#checkPassword(String, char[])};</li>
 *   <li>{@code password4j}: password4j's {@code Password.check(...)} with the function read from the hash;</li>
 *   <li>{@code argon2Jvm}: argon2-jvm, JNA binding of the C libargon2 it bundles.</li>
 * </ul>
 *
 * Every implementation is checked once against the sample before it is timed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class HashVerifyBenchmark {

    private final PasswordSchemes schemes = PasswordSchemes.defaults();
    private BenchSamples.Sample litestar;
    private BenchSamples.Sample keycloak;
    private BenchSamples.Sample bcrypt;
    private BenchSamples.Argon2Hash litestarParts;
    private BenchSamples.Argon2Hash keycloakParts;

    /** Loads the samples and checks, once, the implementation about to be timed on its sample. */
    @Setup
    public void setUp(BenchmarkParams params) {
        Map<String, BenchSamples.Sample> samples = BenchSamples.load();
        litestar = samples.get(BenchSamples.ARGON2_LITESTAR);
        keycloak = samples.get(BenchSamples.ARGON2_KEYCLOAK);
        bcrypt = samples.get(BenchSamples.BCRYPT_12);
        litestarParts = BenchSamples.parseArgon2(litestar.hash());
        keycloakParts = BenchSamples.parseArgon2(keycloak.hash());
        String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        String implementation = method.substring(method.indexOf('_') + 1);
        BenchSamples.Sample s = method.startsWith("argon2Litestar") ? litestar
                : method.startsWith("argon2Keycloak") ? keycloak : bcrypt;
        switch (implementation) {
            case "ours":
                check(schemes.verify(s.password(), s.hash()) == Verification.MATCH, implementation, s);
                break;
            case "oursOneThread":
                check(oursOneThread(BenchSamples.parseArgon2(s.hash()), s), implementation, s);
                break;
            case "bouncyCastle":
                check(s == bcrypt ? OpenBSDBCrypt.checkPassword(s.hash(), s.password().toCharArray())
                        : bouncyCastle(BenchSamples.parseArgon2(s.hash()), s), implementation, s);
                break;
            case "password4j":
                check(password4j(s), implementation, s);
                break;
            default:
                break; // argon2Jvm: checked by its own state
        }
    }

    private static void check(boolean ok, String implementation, BenchSamples.Sample sample) {
        if (!ok) {
            throw new IllegalStateException(implementation + " does not verify sample " + sample.name());
        }
    }

    private static boolean password4j(BenchSamples.Sample s) {
        if (s.hash().startsWith("$argon2")) {
            return Password.check(s.password(), s.hash()).with(Argon2Function.getInstanceFromHash(s.hash()));
        }
        return Password.check(s.password(), s.hash()).with(BcryptFunction.getInstanceFromHash(s.hash()));
    }

    private static boolean oursOneThread(BenchSamples.Argon2Hash h, BenchSamples.Sample s) {
        byte[] tag = Argon2Engine.derive(h.type(), h.version(), h.memoryKib(), h.iterations(), h.lanes(),
                s.password().getBytes(StandardCharsets.UTF_8), h.salt(), null, null, h.digest().length, false);
        return MessageDigest.isEqual(tag, h.digest());
    }

    private static boolean bouncyCastle(BenchSamples.Argon2Hash h, BenchSamples.Sample s) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(h.type()).withVersion(h.version()).withMemoryAsKB(h.memoryKib())
                .withIterations(h.iterations()).withParallelism(h.lanes()).withSalt(h.salt()).build());
        byte[] tag = new byte[h.digest().length];
        generator.generateBytes(s.password().getBytes(StandardCharsets.UTF_8), tag);
        return MessageDigest.isEqual(tag, h.digest());
    }

    /** argon2-jvm apart, so that a native library that does not load fails only its own benchmarks. */
    @State(Scope.Benchmark)
    public static class Argon2JvmState {
        Argon2 argon2;

        /** Loads the native library and checks both argon2 samples. */
        @Setup
        public void setUp() {
            argon2 = Argon2Factory.create(Argon2Factory.Argon2Types.ARGON2id);
            for (BenchSamples.Sample s : BenchSamples.load().values()) {
                if (s.hash().startsWith("$argon2")) {
                    check(argon2.verify(s.hash(), s.password().toCharArray()), "argon2Jvm", s);
                }
            }
        }
    }

    @Benchmark
    public Verification argon2Litestar_ours() {
        return schemes.verify(litestar.password(), litestar.hash());
    }

    @Benchmark
    public boolean argon2Litestar_oursOneThread() {
        return oursOneThread(litestarParts, litestar);
    }

    @Benchmark
    public boolean argon2Litestar_bouncyCastle() {
        return bouncyCastle(litestarParts, litestar);
    }

    @Benchmark
    public boolean argon2Litestar_password4j() {
        return password4j(litestar);
    }

    @Benchmark
    public boolean argon2Litestar_argon2Jvm(Argon2JvmState jvm) {
        return jvm.argon2.verify(litestar.hash(), litestar.password().toCharArray());
    }

    @Benchmark
    public Verification argon2Keycloak_ours() {
        return schemes.verify(keycloak.password(), keycloak.hash());
    }

    @Benchmark
    public boolean argon2Keycloak_bouncyCastle() {
        return bouncyCastle(keycloakParts, keycloak);
    }

    @Benchmark
    public boolean argon2Keycloak_password4j() {
        return password4j(keycloak);
    }

    @Benchmark
    public boolean argon2Keycloak_argon2Jvm(Argon2JvmState jvm) {
        return jvm.argon2.verify(keycloak.hash(), keycloak.password().toCharArray());
    }

    @Benchmark
    public Verification bcrypt12_ours() {
        return schemes.verify(bcrypt.password(), bcrypt.hash());
    }

    @Benchmark
    public boolean bcrypt12_bouncyCastle() {
        return OpenBSDBCrypt.checkPassword(bcrypt.hash(), bcrypt.password().toCharArray());
    }

    @Benchmark
    public boolean bcrypt12_password4j() {
        return password4j(bcrypt);
    }
}
