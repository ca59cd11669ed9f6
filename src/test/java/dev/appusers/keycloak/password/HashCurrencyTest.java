package dev.appusers.keycloak.password;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whether a stored hash is in the configured scheme's form (WRITABLE rewrites the others at the next sign-in), for the
 * samples of {@code appdb/hashes.json} and each configurable scheme, and that every hash a scheme writes is current.
 */
class HashCurrencyTest {

    private static HashingScheme scheme(String name, Map<String, String> params) {
        return PasswordSchemes.hashingScheme(name, params);
    }

    private static String sample(String password) {
        return HashSamples.byPassword(password).hash();
    }

    /** Configured scheme and parameters, sample password, whether that sample's hash is current. */
    static Stream<Arguments> decisions() {
        return Stream.of(
                // argon2 default m=102400,t=2,p=8 (Litestar-Users)
                Arguments.of("argon2", Map.of(), "erin-Secret-5", true),
                Arguments.of("argon2", Map.of(), "bob-Secret-2", false), // m=65536,t=3,p=4
                Arguments.of("argon2", Map.of(), "a2i-pw", false), // argon2i
                Arguments.of("argon2", Map.of(), "alice-Secret-1", false), // bcrypt
                Arguments.of("argon2", Map.of(), "carol-Secret-3", false), // pbkdf2
                Arguments.of("argon2", Map.of(), "b256-pw", false), // bcrypt-sha256
                Arguments.of("argon2", Map.of(), "s512-pw", false), // sha512-crypt
                Arguments.of("argon2", Map.of("m", "65536", "t", "3", "p", "4"), "bob-Secret-2", true),
                Arguments.of("argon2", Map.of("m", "65536", "t", "2", "p", "4"), "bob-Secret-2", false),
                Arguments.of("argon2", Map.of("m", "65536", "t", "3", "p", "8"), "bob-Secret-2", false),
                Arguments.of("argon2", Map.of("m", "102400", "t", "2", "p", "4"), "erin-Secret-5", false),
                // bcrypt: the cost decides, 2a/2b/2y alike
                Arguments.of("bcrypt", Map.of(), "alice-Secret-1", true), // $2b$12$
                Arguments.of("bcrypt", Map.of(), "dave-Secret-4", false), // $2y$10$
                Arguments.of("bcrypt", Map.of("rounds", "10"), "dave-Secret-4", true),
                Arguments.of("bcrypt", Map.of("rounds", "10"), "alice-Secret-1", false),
                Arguments.of("bcrypt", Map.of("rounds", "4"), "x".repeat(80), true), // $2a$04$
                Arguments.of("bcrypt", Map.of(), "b256-pw", false), // bcrypt-sha256 is another scheme
                Arguments.of("bcrypt", Map.of(), "erin-Secret-5", false),
                // pbkdf2: digest and rounds
                Arguments.of("pbkdf2-sha256", Map.of(), "carol-Secret-3", true),
                Arguments.of("pbkdf2-sha256", Map.of("rounds", "30000"), "carol-Secret-3", false),
                Arguments.of("pbkdf2-sha256", Map.of(), "p512-pw", false),
                Arguments.of("pbkdf2-sha512", Map.of(), "p512-pw", true),
                Arguments.of("pbkdf2-sha512", Map.of("rounds", "2500"), "p512-pw", false));
    }

    @ParameterizedTest(name = "{0} {1}: hash of {2} current = {3}")
    @MethodSource("decisions")
    void aHashIsCurrentOnlyInTheConfiguredSchemeWithTheConfiguredParameters(String name, Map<String, String> params,
            String password, boolean current) {
        assertThat(scheme(name, params).isCurrent(sample(password))).isEqualTo(current);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cheapConfigurations")
    void everyHashASchemeWritesIsCurrentForItAndNotForAnotherCost(String name, Map<String, String> params,
            Map<String, String> otherParams) {
        String hash = scheme(name, params).hash("Some-Secret-1");

        assertThat(scheme(name, params).isCurrent(hash)).isTrue();
        assertThat(scheme(name, otherParams).isCurrent(hash)).isFalse();
    }

    static Stream<Arguments> cheapConfigurations() {
        return Stream.of(
                Arguments.of("argon2", Map.of("m", "256", "t", "1", "p", "2"), Map.of("m", "256", "t", "1", "p", "1")),
                Arguments.of("argon2", Map.of("m", "256", "t", "1", "p", "2"), Map.of("m", "2560", "t", "1", "p", "2")),
                Arguments.of("bcrypt", Map.of("rounds", "4"), Map.of("rounds", "5")),
                Arguments.of("pbkdf2-sha256", Map.of("rounds", "1000"), Map.of("rounds", "100")),
                Arguments.of("pbkdf2-sha512", Map.of("rounds", "1000"), Map.of("rounds", "10000")));
    }

    @Test
    void prefixesDoNotMatchLongerParameters() {
        // m=1024 must not take m=10240 for its own, nor rounds=2900 rounds=29000
        assertThat(scheme("argon2", Map.of("m", "1024", "t", "2", "p", "8"))
                .isCurrent("$argon2id$v=19$m=10240,t=2,p=8$c2FsdHNhbHRzYWx0$ZGlnZXN0ZGlnZXN0")).isFalse();
        assertThat(scheme("argon2", Map.of("m", "1024", "t", "2", "p", "8"))
                .isCurrent("$argon2id$v=19$m=1024,t=2,p=80$c2FsdHNhbHRzYWx0$ZGlnZXN0ZGlnZXN0")).isFalse();
        assertThat(scheme("pbkdf2-sha256", Map.of("rounds", "2900")).isCurrent(sample("carol-Secret-3"))).isFalse();
    }

    @Test
    void noHashOrABlankOneIsNeverCurrent() {
        assertThat(scheme("argon2", Map.of()).isCurrent(null)).isFalse();
        assertThat(scheme("bcrypt", Map.of()).isCurrent("")).isFalse();
    }

    @Test
    void prefixesHoldNoLikeWildcardsAndFormsNameEveryParameter() {
        for (HashingScheme s : new HashingScheme[] {scheme("argon2", Map.of()), scheme("bcrypt", Map.of()),
                scheme("pbkdf2-sha256", Map.of()), scheme("pbkdf2-sha512", Map.of())}) {
            assertThat(s.currentPrefixes()).isNotEmpty().allSatisfy(p -> assertThat(p).doesNotContain("%", "_", "\\"));
        }
        assertThat(scheme("argon2", Map.of()).form()).isEqualTo("argon2 m=102400,t=2,p=8");
        assertThat(scheme("bcrypt", Map.of("rounds", "10")).form()).isEqualTo("bcrypt rounds=10");
        assertThat(scheme("pbkdf2-sha256", Map.of()).form()).isEqualTo("pbkdf2-sha256 rounds=29000");
    }
}
