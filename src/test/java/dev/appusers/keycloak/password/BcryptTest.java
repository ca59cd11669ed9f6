package dev.appusers.keycloak.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** bcrypt specifics: 72-byte truncation on bytes, variants, NUL, known answers. */
class BcryptTest {

    private final Bcrypt bcrypt = new Bcrypt(4);

    @Test
    void passwordIsTruncatedTo72BytesLikePycaBcrypt() {
        HashSamples.Sample sample = HashSamples.byPassword("x".repeat(80));
        assertThat(sample.hash()).startsWith("$2a$04$");
        assertThat(bcrypt.verify("x".repeat(80), sample.hash())).isTrue();
        assertThat(bcrypt.verify("x".repeat(72), sample.hash())).isTrue();
        assertThat(bcrypt.verify("x".repeat(72) + "anything else", sample.hash())).isTrue();
        assertThat(bcrypt.verify("x".repeat(71), sample.hash())).isFalse();
        assertThat(bcrypt.verify("x".repeat(71) + "y", sample.hash())).isFalse();
    }

    @Test
    void truncationCutsBytesNotCharacters() {
        // 71 ASCII bytes + 'é' (C3 A9): only the first byte of 'é' survives the cut at 72 bytes
        String password = "a".repeat(71) + "é";
        assertThat(password.getBytes(StandardCharsets.UTF_8)).hasSize(73);
        String hash = bcrypt.hash(password);
        assertThat(bcrypt.verify("a".repeat(71) + "è", hash)).as("C3 A8 shares the byte C3").isTrue();
        assertThat(bcrypt.verify("a".repeat(71) + "\u00c3", hash)).as("C3 83 shares the byte C3").isTrue();
        assertThat(bcrypt.verify("a".repeat(71) + "€", hash)).as("E2 82 AC").isFalse();
        assertThat(bcrypt.verify("a".repeat(71), hash)).isFalse();
    }

    @Test
    void variants2a2b2yAreTheSameAlgorithm() {
        HashSamples.Sample dave = HashSamples.byPassword("dave-Secret-4");
        assertThat(dave.hash()).startsWith("$2y$");
        for (String prefix : new String[] {"$2a$", "$2b$", "$2y$"}) {
            String hash = prefix + dave.hash().substring(4);
            assertThat(PasswordSchemes.defaults().verify("dave-Secret-4", hash)).isEqualTo(Verification.MATCH);
        }
        String legacy = "$2x$" + dave.hash().substring(4);
        assertThat(PasswordSchemes.defaults().verify("dave-Secret-4", legacy)).isEqualTo(Verification.UNKNOWN_SCHEME);
    }

    @ParameterizedTest
    @CsvSource({
        // openwall / passlib test vectors
        "U*U*U*U*, $2a$05$c92SVSfjeiCD6F2nAD6y0uBpJDjdRkt0EgeC4/31Rf2LUZbDRDE.O",
        "'', $2a$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy",
        // passlib: a salt with padding bits set verifies like the corrected one
        "test, $2a$04$yjDgE74RJkeqC0/1NheSScrvKeu9IbKDpcQf/Ox3qsrRS/Kw42qIS",
        "test, $2a$04$yjDgE74RJkeqC0/1NheSSOrvKeu9IbKDpcQf/Ox3qsrRS/Kw42qIS"})
    void knownAnswers(String password, String hash) {
        assertThat(bcrypt.verify(password, hash)).isTrue();
        assertThat(bcrypt.verify(password + "x", hash)).isFalse();
    }

    @Test
    void passwordWithNulNeverMatchesAndCannotBeHashed() {
        String hash = bcrypt.hash("abc");
        assertThat(bcrypt.verify("abc", hash)).isTrue();
        assertThat(bcrypt.verify("abc\0", hash)).isFalse();
        assertThat(bcrypt.verify("abc\0def", hash)).isFalse();
        assertThatIllegalArgumentException().isThrownBy(() -> bcrypt.hash("abc\0def"))
                .withMessageNotContaining("abc");
    }

    @Test
    void hashesWithConfiguredCostAndBVariant() {
        assertThat(PasswordSchemes.hashingScheme("bcrypt", Map.of("rounds", "5")).hash("pw")).startsWith("$2b$05$");
    }
}
