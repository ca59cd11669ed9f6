package dev.appusers.keycloak.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing of {@code hashCostLimits}, and that a hash over each ceiling is refused before anything is computed. */
class CostLimitsTest {

    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    private final PasswordSchemes schemes = PasswordSchemes.defaults();

    @Test
    void defaultsAreWellAbovePythonLibraryDefaults() {
        CostLimits limits = CostLimits.defaults();

        assertThat(limits.bcryptCost()).isEqualTo(16);
        assertThat(limits.pbkdf2Rounds()).isEqualTo(2_000_000);
        assertThat(limits.shaCryptRounds()).isEqualTo(2_000_000);
        assertThat(limits.argon2Iterations()).isEqualTo(64);
        assertThat(limits.argon2Work()).isEqualTo(1_048_576L);
        assertThat(limits).hasToString("bcrypt=16,pbkdf2=2000000,sha-crypt=2000000,argon2-t=64,argon2-work=1048576");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", ",", " , "})
    void emptyMeansTheDefaults(String text) {
        assertThat(CostLimits.parse(text)).isEqualTo(CostLimits.defaults());
        assertThat(CostLimits.parse(null)).isEqualTo(CostLimits.defaults());
    }

    @Test
    void namesLeftOutKeepTheirDefaultsAndBlanksAreIgnored() {
        CostLimits limits = CostLimits.parse(" bcrypt = 13 , Argon2-Work=300000 ");

        assertThat(limits.bcryptCost()).isEqualTo(13);
        assertThat(limits.argon2Work()).isEqualTo(300_000L);
        assertThat(limits.pbkdf2Rounds()).isEqualTo(2_000_000);
        assertThat(CostLimits.parse(limits.toString())).isEqualTo(limits);
    }

    @Test
    void theWidestOfSeveralTakesEachCeilingFromWhicheverAllowsMost() {
        CostLimits widest = CostLimits.widest(java.util.List.of(CostLimits.parse("bcrypt=13,pbkdf2=9000000"),
                CostLimits.parse("bcrypt=18,argon2-t=4"), CostLimits.defaults()));

        assertThat(widest).hasToString("bcrypt=18,pbkdf2=9000000,sha-crypt=2000000,argon2-t=64,argon2-work=1048576");
        assertThat(CostLimits.widest(java.util.List.of())).as("none: the defaults").isEqualTo(CostLimits.defaults());
    }

    static Stream<Arguments> badEntries() {
        return Stream.of(
                Arguments.of("scrypt=5", "'scrypt=5' is not name=value with a known name; allowed: bcrypt (4..31"),
                Arguments.of("bcrypt", "'bcrypt' is not name=value with a known name; allowed:"),
                Arguments.of("bcrypt=32", "'bcrypt=32': bcrypt must be an integer in 4..31 (default 16)"),
                Arguments.of("bcrypt=3", "'bcrypt=3': bcrypt must be an integer in 4..31"),
                Arguments.of("pbkdf2=0", "'pbkdf2=0': pbkdf2 must be an integer in 1..2147483647"),
                Arguments.of("pbkdf2=2147483648", "'pbkdf2=2147483648': pbkdf2 must be an integer in 1..2147483647"),
                Arguments.of("sha-crypt=999", "'sha-crypt=999': sha-crypt must be an integer in 1000..999999999"),
                Arguments.of("argon2-t=1025", "'argon2-t=1025': argon2-t must be an integer in 1..1024"),
                Arguments.of("argon2-work=-1", "'argon2-work=-1': argon2-work must be an integer in 8..2147483648"),
                Arguments.of("argon2-t=ten", "'argon2-t=ten': argon2-t must be an integer"),
                Arguments.of("bcrypt=12,bcrypt=13", "'bcrypt' is given twice"));
    }

    @ParameterizedTest
    @MethodSource("badEntries")
    void badEntriesAreRefusedNamingTheEntryAndTheRange(String text, String message) {
        assertThatThrownBy(() -> CostLimits.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    /** Hashes just over each default ceiling; their digests are irrelevant since nothing may be computed. */
    static Stream<Arguments> overDefaultCeilings() {
        return Stream.of(
                Arguments.of("$2b$17$jGb85H7GMn9ScYrvYTPJWuNZxzZriFBWsIY7FqYg8caCEXd1S4QTy", "cost=17", "bcrypt=16"),
                Arguments.of("$2b$31$jGb85H7GMn9ScYrvYTPJWuNZxzZriFBWsIY7FqYg8caCEXd1S4QTy", "cost=31", "bcrypt=16"),
                Arguments.of("$bcrypt-sha256$v=2,t=2b,r=17$fEeuqM8UAAoaWj0zl.OwRe$lnlRTzLir8lUAXte8f8Abs3cvGRKM9S",
                        "cost=17", "bcrypt=16"),
                Arguments.of("$pbkdf2-sha256$2000001$IQRACKG0ViqlFEJozZlzbg$IR/bgo16YNgaslmbI.ahbxIhgTlk4aoSGLjH3xcEJFQ",
                        "rounds=2000001", "pbkdf2=2000000"),
                Arguments.of("$pbkdf2-sha512$2147483647$.P/fu9faWwsBwFjrHYPwvg$BR3.byQHnW9mVCStcVU8oJpUM6mASTZzGk/C2BQh"
                        + "BVCbMgTnwIKtuCuaAYkQSVswe6dnlzAKiBvGl4ajk/Dubg", "rounds=2147483647", "pbkdf2=2000000"),
                Arguments.of("$5$rounds=999999999$NZMtQF4ushu0KeAe$7xnfSus2I.YgoMZlsawruahr.e7v/9X.YcymQ4htwA0",
                        "rounds=999999999", "sha-crypt=2000000"),
                Arguments.of("$6$rounds=2000001$54auNBn2IZavkkow$QLNIBw8v7PrdPFoA.Du373PWrHXxxXP5SVFnXzRGmD2V0sRKSwZS0"
                        + "33Cc6ULls7aoH5A.UpkBpkRSh6UxQcw/1", "rounds=2000001", "sha-crypt=2000000"),
                Arguments.of("$argon2id$v=19$m=64,t=65,p=1$T4o17G06Yd44H7sAKIEFug$O3X4lU5wMP9mgVp7cmRgztLCtNjP+spwfvawWDdvt2Q",
                        "iterations t=65", "argon2-t=64"),
                Arguments.of("$argon2id$v=19$m=524288,t=3,p=4$T4o17G06Yd44H7sAKIEFug$O3X4lU5wMP9mgVp7cmRgztLCtNjP+spwfvawWDdvt2Q",
                        "work t*m (KiB-iterations)=1572864", "argon2-work=1048576"),
                Arguments.of("$argon2id$v=19$m=2097152,t=1,p=4$T4o17G06Yd44H7sAKIEFug$O3X4lU5wMP9mgVp7cmRgztLCtNjP+spwfvawWDdvt2Q",
                        "work t*m (KiB-iterations)=2097152", "argon2-work=1048576"));
    }

    @ParameterizedTest
    @MethodSource("overDefaultCeilings")
    void aHashOverACeilingIsRefusedAtOnceNamingParameterAndCeiling(String hash, String parameter, String ceiling) {
        long start = CPU.getCurrentThreadCpuTime();
        Verdict verdict = schemes.check("any-password", hash, CostLimits.defaults());

        assertThat(verdict.verification()).isEqualTo(Verification.OVER_LIMIT);
        assertThat(verdict.reason()).contains(parameter).contains("over the ceiling " + ceiling)
                .doesNotContain(hash.substring(hash.lastIndexOf('$') + 1));
        // CPU time, not wall time: refused before any hashing, whatever else the machine is doing
        assertThat((CPU.getCurrentThreadCpuTime() - start) / 1_000_000).as("CPU ms").isLessThan(200);
        assertThat(schemes.verify("any-password", hash)).isEqualTo(Verification.OVER_LIMIT);
    }

    @Test
    void configuredCeilingsApplyToTheRealSamples() {
        HashSamples.Sample bcrypt = HashSamples.byPassword("alice-Secret-1"); // cost 12
        HashSamples.Sample pbkdf2 = HashSamples.byPassword("carol-Secret-3"); // 29000 rounds
        HashSamples.Sample sha512 = HashSamples.byPassword("s512-pw"); // 656000 rounds
        HashSamples.Sample argon2 = HashSamples.byPassword("bob-Secret-2"); // m=65536, t=3

        CostLimits low = CostLimits.parse("bcrypt=11,pbkdf2=28999,sha-crypt=655999,argon2-t=2");
        assertThat(schemes.check(bcrypt.password(), bcrypt.hash(), low).verification())
                .isEqualTo(Verification.OVER_LIMIT);
        assertThat(schemes.check(pbkdf2.password(), pbkdf2.hash(), low).verification())
                .isEqualTo(Verification.OVER_LIMIT);
        assertThat(schemes.check(sha512.password(), sha512.hash(), low).verification())
                .isEqualTo(Verification.OVER_LIMIT);
        assertThat(schemes.check(argon2.password(), argon2.hash(), low).verification())
                .isEqualTo(Verification.OVER_LIMIT);
        assertThat(schemes.check(argon2.password(), argon2.hash(), CostLimits.parse("argon2-work=196607"))
                .reason()).contains("work t*m (KiB-iterations)=196608 is over the ceiling argon2-work=196607");

        CostLimits exact = CostLimits.parse("bcrypt=12,pbkdf2=29000,sha-crypt=656000,argon2-t=3,argon2-work=196608");
        for (HashSamples.Sample sample : new HashSamples.Sample[] {bcrypt, pbkdf2, sha512, argon2}) {
            assertThat(schemes.check(sample.password(), sample.hash(), exact).verification())
                    .as(sample.toString()).isEqualTo(Verification.MATCH);
        }
    }

    @Test
    void writingSchemesAreCheckedAgainstTheCeilings() {
        PasswordSchemes.hashingScheme("bcrypt", java.util.Map.of("rounds", "16")).checkCost(CostLimits.defaults());
        assertThatThrownBy(() -> PasswordSchemes.hashingScheme("bcrypt", java.util.Map.of("rounds", "17"))
                .checkCost(CostLimits.defaults())).isInstanceOf(HashCostException.class)
                .hasMessage("bcrypt cost=17 is over the ceiling bcrypt=16");
        assertThatThrownBy(() -> PasswordSchemes.hashingScheme("argon2", java.util.Map.of("m", "1048576", "t", "2"))
                .checkCost(CostLimits.defaults())).isInstanceOf(HashCostException.class)
                .hasMessageContaining("argon2-work=1048576");
        assertThatThrownBy(() -> PasswordSchemes.hashingScheme("pbkdf2-sha512", java.util.Map.of("rounds", "3000000"))
                .checkCost(CostLimits.defaults())).isInstanceOf(HashCostException.class)
                .hasMessage("pbkdf2-sha512 rounds=3000000 is over the ceiling pbkdf2=2000000");
    }
}
