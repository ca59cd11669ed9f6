package dev.appusers.keycloak.password;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every sample of {@code appdb/hashes.json} verifies with its password and not with another. */
class HashesJsonSamplesTest {

    private final PasswordSchemes schemes = PasswordSchemes.defaults();

    static List<HashSamples.Sample> samples() {
        return HashSamples.all();
    }

    @Test
    void fileCoversEveryScheme() {
        assertThat(samples()).hasSize(11);
        assertThat(samples().stream().map(s -> HashSamples.schemeId(s.scheme())).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("bcrypt", "bcrypt-sha256", "argon2", "pbkdf2-sha256", "pbkdf2-sha512",
                        "sha256-crypt", "sha512-crypt");
    }

    @ParameterizedTest
    @MethodSource("samples")
    void pickedByPrefix(HashSamples.Sample sample) {
        assertThat(schemes.forHash(sample.hash())).get().extracting(PasswordScheme::id)
                .isEqualTo(HashSamples.schemeId(sample.scheme()));
    }

    @ParameterizedTest
    @MethodSource("samples")
    void rightPasswordMatches(HashSamples.Sample sample) {
        assertThat(schemes.verify(sample.password(), sample.hash())).isEqualTo(Verification.MATCH);
    }

    @ParameterizedTest
    @MethodSource("samples")
    void wrongPasswordMismatches(HashSamples.Sample sample) {
        // changed at the front: the 80-character bcrypt sample is truncated to 72 bytes, so a suffix would not count
        assertThat(schemes.verify("#" + sample.password().substring(1), sample.hash()))
                .isEqualTo(Verification.MISMATCH);
        String shorter = sample.password().substring(0, Math.min(sample.password().length(), 72) - 1);
        assertThat(schemes.verify(shorter, sample.hash())).isEqualTo(Verification.MISMATCH);
        assertThat(schemes.verify("", sample.hash())).isEqualTo(Verification.MISMATCH);
    }
}
