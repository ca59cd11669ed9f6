package dev.appusers.keycloak.password;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** passlib pbkdf2_sha256 / pbkdf2_sha512, against passlib's own test vectors. */
class PasslibPbkdf2Test {

    @ParameterizedTest
    @CsvSource({
        "password, $pbkdf2-sha256$1212$4vjV83LKPjQzk31VI4E0Vw$hsYF68OiOUPdDZ1Fg.fJPeq1h/gXXY7acBp9/6c.tmQ",
        "\u0399\u03c9\u03b1\u03bd\u03bd\u03b7\u03c2, "
                + "$pbkdf2-sha256$1212$3SABFJGDtyhrQMVt1uABPw$WyaUoqCLgvz97s523nF4iuOqZNbp5Nt8do/cuaa7AiI",
        "password, $pbkdf2-sha512$1212$RHY0Fr3IDMSVO/RSZyb5ow$eNLfBK.eVozomMr.1gYa17k9B7KIK25NOEshvhrSX.esqY3s."
                + "FvWZViXz4KoLlQI.BzY/YTNJOiKc5gBYFYGww"})
    void passlibVectors(String password, String hash) {
        PasswordScheme scheme = PasswordSchemes.defaults().forHash(hash).orElseThrow();
        assertThat(scheme).isInstanceOf(PasslibPbkdf2.class);
        assertThat(scheme.verify(password, hash)).isTrue();
        assertThat(scheme.verify(password + " ", hash)).isFalse();
    }
}
