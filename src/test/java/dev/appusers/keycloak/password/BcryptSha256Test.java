package dev.appusers.keycloak.password;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** passlib bcrypt_sha256 v1 and v2, against passlib's own test vectors. */
class BcryptSha256Test {

    private final BcryptSha256 scheme = new BcryptSha256();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // v2 (passlib 1.7.3+)
        "''|$bcrypt-sha256$v=2,t=2b,r=5$E/e/2AOhqM5W/KJTFQzLce$WFPIZKtDDTriqWwlmRFfHiOTeheAZWe",
        "password|$bcrypt-sha256$v=2,t=2b,r=5$5Hg1DKFqPE8C2aflZ5vVoe$wOK1VFFtS8IGTrGa7.h5fs0u84qyPbS",
        "t\u00e1\u0411\u2113\u0259|$bcrypt-sha256$v=2,t=2b,r=5$.US1fQ4TQS.ZTz/uJ5Kyn.$pzzgp40k8reM1CuQb03PvE0IDPQSdV6",
        "abc123abc123abc123abc123abc123abc123abc123abc123abc123abc123abc123abc123qwr|"
                + "$bcrypt-sha256$v=2,t=2b,r=5$X1g1nh3g0v4h6970O68cxe$CBF9csfEdW68xv3DwE6xSULXMtqEFP.",
        // v1
        "''|$bcrypt-sha256$2a,5$E/e/2AOhqM5W/KJTFQzLce$F6dYSxOdAEoJZO2eoHUZWZljW/e0TXO",
        "password|$bcrypt-sha256$2a,5$5Hg1DKFqPE8C2aflZ5vVoe$12BjNE0p7axMg55.Y/mHsYiVuFBDQyu",
        "password|$bcrypt-sha256$2b,5$5Hg1DKFqPE8C2aflZ5vVoe$12BjNE0p7axMg55.Y/mHsYiVuFBDQyu",
        "t\u00e1\u0411\u2113\u0259|$bcrypt-sha256$2a,5$.US1fQ4TQS.ZTz/uJ5Kyn.$QNdPDOTKKT5/sovNz1iWg26quOU4Pje",
        "abc123abc123abc123abc123abc123abc123abc123abc123abc123abc123abc123abc123|"
                + "$bcrypt-sha256$2b,5$X1g1nh3g0v4h6970O68cxe$r/hyEtqJ0teqPEmfTLoZ83ciAI1Q74.",
        "abc123abc123abc123abc123abc123abc123abc123abc123abc123abc123abc123abc123qwr|"
                + "$bcrypt-sha256$2b,5$X1g1nh3g0v4h6970O68cxe$021KLEif6epjot5yoxk0m8I0929ohEa",
        "abc123abc123abc123abc123abc123abc123abc123abc123abc123abc123abc123abc123xyz|"
                + "$bcrypt-sha256$2b,5$X1g1nh3g0v4h6970O68cxe$7.1kgpHduMGEjvM3fX6e/QCvfn6OKja"})
    void passlibVectors(String password, String hash) {
        assertThat(scheme.recognises(hash)).isTrue();
        assertThat(scheme.verify(password, hash)).isTrue();
        assertThat(scheme.verify(password + "1", hash)).isFalse();
    }
}
