package dev.appusers.keycloak.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Writing hashes: exact passlib formats, round trips, known answers from the samples, configuration errors. */
class HashingSchemeTest {

    private static final String B64 = "[A-Za-z0-9+/]";
    private static final String AB64 = "[A-Za-z0-9./]";
    private static final String BCRYPT64 = "[./A-Za-z0-9]";

    /** Name, params (cheap where possible), expected id and the exact format of the hashes written. */
    static Stream<Arguments> configurations() {
        return Stream.of(
                Arguments.of("argon2", Map.of("m", "256", "t", "1", "p", "2"), "argon2",
                        "\\$argon2id\\$v=19\\$m=256,t=1,p=2\\$" + B64 + "{22}\\$" + B64 + "{22}"),
                Arguments.of("argon2", Map.of(), "argon2",
                        "\\$argon2id\\$v=19\\$m=102400,t=2,p=8\\$" + B64 + "{22}\\$" + B64 + "{22}"),
                Arguments.of("bcrypt", Map.of("rounds", "4"), "bcrypt",
                        "\\$2b\\$04\\$" + BCRYPT64 + "{53}"),
                Arguments.of("bcrypt", Map.of(), "bcrypt", "\\$2b\\$12\\$" + BCRYPT64 + "{53}"),
                Arguments.of("pbkdf2-sha256", Map.of("rounds", "1000"), "pbkdf2-sha256",
                        "\\$pbkdf2-sha256\\$1000\\$" + AB64 + "{22}\\$" + AB64 + "{43}"),
                Arguments.of("pbkdf2-sha256", Map.of(), "pbkdf2-sha256",
                        "\\$pbkdf2-sha256\\$29000\\$" + AB64 + "{22}\\$" + AB64 + "{43}"),
                Arguments.of("PBKDF2-SHA512 ", null, "pbkdf2-sha512",
                        "\\$pbkdf2-sha512\\$25000\\$" + AB64 + "{22}\\$" + AB64 + "{86}"));
    }

    @ParameterizedTest
    @MethodSource("configurations")
    void writesPasslibFormatThatVerifies(String name, Map<String, String> params, String id, String format) {
        HashingScheme scheme = PasswordSchemes.hashingScheme(name, params);
        assertThat(scheme.id()).isEqualTo(id);

        String hash = scheme.hash("Päss wörd-€1");
        assertThat(hash).matches(format);
        assertThat(scheme.recognises(hash)).isTrue();
        assertThat(scheme.verify("Päss wörd-€1", hash)).isTrue();
        assertThat(scheme.verify("Päss wörd-€2", hash)).isFalse();
        assertThat(PasswordSchemes.defaults().verify("Päss wörd-€1", hash)).isEqualTo(Verification.MATCH);
        assertThat(scheme.hash("Päss wörd-€1")).as("fresh salt each time").isNotEqualTo(hash);
    }

    @Test
    void argon2KnownAnswerEqualsPasslibSample() {
        HashSamples.Sample erin = HashSamples.byPassword("erin-Secret-5");
        Argon2 scheme = (Argon2) PasswordSchemes.hashingScheme("argon2", Map.of());
        byte[] salt = PasslibBase64.decodeStandard(erin.hash().split("\\$")[4]);
        assertThat(scheme.hash(erin.password(), salt)).isEqualTo(erin.hash());
    }

    @Test
    void bcryptKnownAnswerEqualsPasslibSample() {
        HashSamples.Sample alice = HashSamples.byPassword("alice-Secret-1");
        Bcrypt scheme = (Bcrypt) PasswordSchemes.hashingScheme("bcrypt", Map.of());
        byte[] salt = PasslibBase64.decodeBcryptSalt(alice.hash().substring(7, 29));
        assertThat(scheme.hash(alice.password(), salt)).isEqualTo(alice.hash());
    }

    @Test
    void pbkdf2Sha256KnownAnswerEqualsPasslibSample() {
        HashSamples.Sample carol = HashSamples.byPassword("carol-Secret-3");
        PasslibPbkdf2 scheme = (PasslibPbkdf2) PasswordSchemes.hashingScheme("pbkdf2-sha256", Map.of());
        byte[] salt = PasslibBase64.decodeAdapted(carol.hash().split("\\$")[3]);
        assertThat(scheme.hash(carol.password(), salt)).isEqualTo(carol.hash());
    }

    @Test
    void pbkdf2Sha512KnownAnswerEqualsPasslibSample() {
        HashSamples.Sample sample = HashSamples.byPassword("p512-pw");
        PasslibPbkdf2 scheme = (PasslibPbkdf2) PasswordSchemes.hashingScheme("pbkdf2-sha512", Map.of());
        byte[] salt = PasslibBase64.decodeAdapted(sample.hash().split("\\$")[3]);
        assertThat(scheme.hash(sample.password(), salt)).isEqualTo(sample.hash());
    }

    @Test
    void blankParameterValuesMeanDefaults() {
        assertThat(PasswordSchemes.hashingScheme("bcrypt", Map.of("rounds", " ")).toString())
                .isEqualTo("Bcrypt[rounds=12]");
        assertThat(PasswordSchemes.hashingScheme(" Argon2", Map.of("m", "65536", "t", "")).toString())
                .isEqualTo("Argon2[m=65536,t=2,p=8]");
    }

    static Stream<Arguments> badConfigurations() {
        return Stream.of(
                Arguments.of("scrypt", Map.of(), "Unknown hashing scheme 'scrypt'"),
                Arguments.of(null, Map.of(), "Unknown hashing scheme"),
                Arguments.of("", Map.of(), "Unknown hashing scheme"),
                Arguments.of("sha512-crypt", Map.of(), "Unknown hashing scheme"),
                Arguments.of("bcrypt", Map.of("cost", "12"), "Unknown bcrypt parameter(s) [cost]"),
                Arguments.of("bcrypt", Map.of("rounds", "twelve"), "'rounds' must be an integer, got 'twelve'"),
                Arguments.of("bcrypt", Map.of("rounds", "3"), "bcrypt rounds must be between 4 and 31, got 3"),
                Arguments.of("bcrypt", Map.of("rounds", "32"), "bcrypt rounds must be between 4 and 31"),
                Arguments.of("argon2", Map.of("memory_cost", "65536"), "Unknown argon2 parameter(s) [memory_cost]"),
                Arguments.of("argon2", Map.of("m", "0"), "memory m=0"),
                Arguments.of("argon2", Map.of("m", "63", "p", "8"), "memory m=63"),
                Arguments.of("argon2", Map.of("m", "99999999"), "memory m=99999999"),
                Arguments.of("argon2", Map.of("t", "0"), "iterations t=0"),
                Arguments.of("argon2", Map.of("p", "0"), "parallelism p=0"),
                Arguments.of("argon2", Map.of("p", "1.5"), "'p' must be an integer"),
                Arguments.of("pbkdf2-sha256", Map.of("rounds", "0"), "pbkdf2-sha256 rounds must be at least 1"),
                Arguments.of("pbkdf2-sha256", Map.of("rounds", "99999999999"), "'rounds' must be an integer"),
                Arguments.of("pbkdf2-sha256", Map.of("salt_size", "16"), "Unknown pbkdf2-sha256 parameter(s)"));
    }

    @ParameterizedTest
    @MethodSource("badConfigurations")
    void badConfigurationIsRefusedClearly(String name, Map<String, String> params, String message) {
        assertThatIllegalArgumentException().isThrownBy(() -> PasswordSchemes.hashingScheme(name, params))
                .withMessageContaining(message);
    }

    @Test
    void unpairedSurrogateCannotBeHashed() {
        HashingScheme scheme = PasswordSchemes.hashingScheme("pbkdf2-sha256", Map.of("rounds", "1000"));
        assertThatIllegalArgumentException().isThrownBy(() -> scheme.hash("abc\uDC00"))
                .withMessageNotContaining("abc");
    }
}
