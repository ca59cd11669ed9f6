package dev.appusers.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The tests' authenticator app against RFC 6238's own test vectors (SHA-1 key "12345678901234567890"). */
class TotpTest {

    private static final String RFC_SECRET = "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ";

    @Test
    void codesAreRfc6238sTestVectors() {
        Totp eight = new Totp(RFC_SECRET, "HmacSHA1", 8, 30, 1);

        assertThat(eight.code(59 / 30)).isEqualTo("94287082");
        assertThat(eight.code(1111111109L / 30)).isEqualTo("07081804");
        assertThat(eight.code(20000000000L / 30)).isEqualTo("65353130");
        assertThat(new Totp(RFC_SECRET, "HmacSHA1", 6, 30, 1).code(59 / 30)).isEqualTo("287082");
    }

    @Test
    void everyNextCodeIsOfANewTimeStepAndTheWrongCodeIsNoneOfThem() {
        Totp app = new Totp(RFC_SECRET, "HmacSHA1", 6, 30, 1);
        long now = System.currentTimeMillis() / 30_000;

        String first = app.nextCode();
        String second = app.nextCode();

        assertThat(first).hasSize(6).isIn(app.code(now), app.code(now + 1));
        assertThat(second).isNotEqualTo(first).isIn(app.code(now + 1), app.code(now + 2));
        assertThat(app.wrongCode()).hasSize(6).isNotIn(app.code(now - 1), app.code(now), app.code(now + 1));
    }
}
