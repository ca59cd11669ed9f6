package dev.appusers.keycloak.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Scheme selection, unknown and malformed hashes, and that no message ever carries a hash. */
class PasswordSchemesTest {

    private final PasswordSchemes schemes = PasswordSchemes.defaults();

    /** Hashes with a known prefix that cannot be verified, with the scheme that must refuse them. */
    static Stream<Arguments> malformed() {
        return Stream.of(
                // bcrypt
                Arguments.of("bcrypt", "$2b$12$jGb85H7GMn9ScYrvYTPJWuNZxzZriFBWsIY7FqYg8caCEXd1S4QT"),
                Arguments.of("bcrypt", "$2b$12$jGb85H7GMn9ScYrvYTPJWuNZxzZriFBWsIY7FqYg8caCEXd1S4QTyy"),
                Arguments.of("bcrypt", "$2b$99$jGb85H7GMn9ScYrvYTPJWuNZxzZriFBWsIY7FqYg8caCEXd1S4QTy"),
                Arguments.of("bcrypt", "$2b$03$jGb85H7GMn9ScYrvYTPJWuNZxzZriFBWsIY7FqYg8caCEXd1S4QTy"),
                Arguments.of("bcrypt", "$2b$1x$jGb85H7GMn9ScYrvYTPJWuNZxzZriFBWsIY7FqYg8caCEXd1S4QTy"),
                Arguments.of("bcrypt", "$2b$12$jGb85H7GMn9ScYrvYTPJWu!ZxzZriFBWsIY7FqYg8caCEXd1S4QTy"),
                Arguments.of("bcrypt", "$2y$10$"),
                Arguments.of("bcrypt", "$2a$"),
                // bcrypt-sha256
                Arguments.of("bcrypt-sha256", "$bcrypt-sha256$v=2,t=2b,r=12$fEeuqM8UAAoaWj0zl.OwRe$lnlRTzLir8lUAXte8f8Abs3cvGRKM9"),
                Arguments.of("bcrypt-sha256", "$bcrypt-sha256$v=3,t=2b,r=12$fEeuqM8UAAoaWj0zl.OwRe$lnlRTzLir8lUAXte8f8Abs3cvGRKM9S"),
                Arguments.of("bcrypt-sha256", "$bcrypt-sha256$v=2,t=2b,r=99$fEeuqM8UAAoaWj0zl.OwRe$lnlRTzLir8lUAXte8f8Abs3cvGRKM9S"),
                Arguments.of("bcrypt-sha256", "$bcrypt-sha256$v=2,t=2b,r=05$fEeuqM8UAAoaWj0zl.OwRe$lnlRTzLir8lUAXte8f8Abs3cvGRKM9S"),
                Arguments.of("bcrypt-sha256", "$bcrypt-sha256$v=2,t=2a,r=12$fEeuqM8UAAoaWj0zl.OwRe$lnlRTzLir8lUAXte8f8Abs3cvGRKM9S"),
                Arguments.of("bcrypt-sha256", "$bcrypt-sha256$v=2,t=2b,r=12$fEeuqM8UAAoaWj0zl.OwRf$lnlRTzLir8lUAXte8f8Abs3cvGRKM9S"),
                Arguments.of("bcrypt-sha256", "$bcrypt-sha256$2c,5$5Hg1DKFqPE8C2aflZ5vVoe$12BjNE0p7axMg55.Y/mHsYiVuFBDQyu"),
                Arguments.of("bcrypt-sha256", "$bcrypt-sha256$2a,5$5Hg1DKF!PE8C2aflZ5vVoe$12BjNE0p7axMg55.Y/mHsYiVuFBDQyu"),
                Arguments.of("bcrypt-sha256", "$bcrypt-sha256$2a,5$5Hg1DKFqPE8C2aflZ5vVoe$"),
                // argon2
                Arguments.of("argon2", "$argon2id$v=19$m=0,t=3,p=4$T4o17G06Yd44H7sAKIEFug$O3X4lU5wMP9mgVp7cmRgztLCtNjP+spwfvawWDdvt2Q"),
                Arguments.of("argon2", "$argon2id$v=19$m=65536,t=0,p=4$T4o17G06Yd44H7sAKIEFug$O3X4lU5wMP9mgVp7cmRgztLCtNjP+spwfvawWDdvt2Q"),
                Arguments.of("argon2", "$argon2id$v=19$m=65536,t=3,p=0$T4o17G06Yd44H7sAKIEFug$O3X4lU5wMP9mgVp7cmRgztLCtNjP+spwfvawWDdvt2Q"),
                Arguments.of("argon2", "$argon2id$v=19$m=31,t=3,p=4$T4o17G06Yd44H7sAKIEFug$O3X4lU5wMP9mgVp7cmRgztLCtNjP+spwfvawWDdvt2Q"),
                Arguments.of("argon2", "$argon2id$v=19$m=99999999,t=3,p=4$T4o17G06Yd44H7sAKIEFug$O3X4lU5wMP9mgVp7cmRgztLCtNjP+spwfvawWDdvt2Q"),
                Arguments.of("argon2", "$argon2id$v=19$m=9999999999,t=3,p=4$T4o17G06Yd44H7sAKIEFug$O3X4lU5wMP9mgVp7cmRgztLCtNjP+spwfvawWDdvt2Q"),
                Arguments.of("argon2", "$argon2id$v=19$m=65536,t=99999,p=4$T4o17G06Yd44H7sAKIEFug$O3X4lU5wMP9mgVp7cmRgztLCtNjP+spwfvawWDdvt2Q"),
                Arguments.of("argon2", "$argon2id$v=18$m=65536,t=3,p=4$T4o17G06Yd44H7sAKIEFug$O3X4lU5wMP9mgVp7cmRgztLCtNjP+spwfvawWDdvt2Q"),
                Arguments.of("argon2", "$argon2id$v=19$m=65536,t=3,p=4$T4o17G06Yd44H7sAKIEFug"),
                Arguments.of("argon2", "$argon2id$v=19$m=65536,t=3,p=4$T4o17G06Yd44H7sAKIEFug$"),
                Arguments.of("argon2", "$argon2id$v=19$m=65536,t=3,p=4$T4o17G06Yd44H7sA!IEFug$O3X4lU5wMP9mgVp7cmRgztLCtNjP+spwfvawWDdvt2Q"),
                Arguments.of("argon2", "$argon2id$v=19$m=65536,t=3,p=4$T4o17G06Yd44H7sAKIEFug==$O3X4lU5wMP9mgVp7cmRgztLCtNjP+spwfvawWDdvt2Q"),
                Arguments.of("argon2", "$argon2id$v=19$m=65536,t=3,p=4$T4o17G06Yd44H7sAKIEFug$O3X4lU5wMP9mgVp7cmRgztLCtNjP+spwfvawWDdvt2QA2"),
                Arguments.of("argon2", "$argon2id$v=19$m=65536,t=3,p=4$T4o17G0$O3X4lU5wMP9mgVp7cmRgztLCtNjP+spwfvawWDdvt2Q"),
                Arguments.of("argon2", "$argon2id$v=19$m=65536,t=3,p=4$T4o17G06Yd44H7sAKIEFug$O3X"),
                Arguments.of("argon2", "$argon2id$v=19$m=65536,t=3,p=4,keyid=a2V5$T4o17G06Yd44H7sAKIEFug$O3X4lU5wMP9mgVp7cmRgztLCtNjP+spwfvawWDdvt2Q"),
                Arguments.of("argon2", "$argon2id$v=19$t=3,m=65536,p=4$T4o17G06Yd44H7sAKIEFug$O3X4lU5wMP9mgVp7cmRgztLCtNjP+spwfvawWDdvt2Q"),
                Arguments.of("argon2", "$argon2i$"),
                // pbkdf2
                Arguments.of("pbkdf2-sha256", "$pbkdf2-sha256$0$IQRACKG0ViqlFEJozZlzbg$IR/bgo16YNgaslmbI.ahbxIhgTlk4aoSGLjH3xcEJFQ"),
                Arguments.of("pbkdf2-sha256", "$pbkdf2-sha256$029000$IQRACKG0ViqlFEJozZlzbg$IR/bgo16YNgaslmbI.ahbxIhgTlk4aoSGLjH3xcEJFQ"),
                Arguments.of("pbkdf2-sha256", "$pbkdf2-sha256$$IQRACKG0ViqlFEJozZlzbg$IR/bgo16YNgaslmbI.ahbxIhgTlk4aoSGLjH3xcEJFQ"),
                Arguments.of("pbkdf2-sha256", "$pbkdf2-sha256$99999999999$IQRACKG0ViqlFEJozZlzbg$IR/bgo16YNgaslmbI.ahbxIhgTlk4aoSGLjH3xcEJFQ"),
                Arguments.of("pbkdf2-sha256", "$pbkdf2-sha256$29000$IQRACKG0ViqlFEJozZlzbg$IR/bgo16YNgaslmbI.ahbxIhgTlk4aoSGLjH3xcEJF"),
                Arguments.of("pbkdf2-sha256", "$pbkdf2-sha256$29000$IQRACKG0ViqlFEJozZlzbg$IR/bgo16YNgaslmbI.ahbxIhgTlk4aoSGLjH3xcEJ"),
                Arguments.of("pbkdf2-sha256", "$pbkdf2-sha256$29000$IQRACKG0V!qlFEJozZlzbg$IR/bgo16YNgaslmbI.ahbxIhgTlk4aoSGLjH3xcEJFQ"),
                Arguments.of("pbkdf2-sha256", "$pbkdf2-sha256$29000$IQRACKG0ViqlFEJozZlzbg$IR/bgo16YNgaslmbI.ahbxIhgTlk4aoSGLjH3xcEJFQ$"),
                Arguments.of("pbkdf2-sha256", "$pbkdf2-sha256$29000$IQRACKG0ViqlFEJozZlzbg"),
                Arguments.of("pbkdf2-sha512", "$pbkdf2-sha512$25000$.P/fu9faWwsBwFjrHYPwvg$IR/bgo16YNgaslmbI.ahbxIhgTlk4aoSGLjH3xcEJFQ"),
                // sha-crypt
                Arguments.of("sha256-crypt", "$5$rounds=10$NZMtQF4ushu0KeAe$7xnfSus2I.YgoMZlsawruahr.e7v/9X.YcymQ4htwA0"),
                Arguments.of("sha256-crypt", "$5$rounds=0535000$NZMtQF4ushu0KeAe$7xnfSus2I.YgoMZlsawruahr.e7v/9X.YcymQ4htwA0"),
                Arguments.of("sha256-crypt", "$5$rounds=9999999999$NZMtQF4ushu0KeAe$7xnfSus2I.YgoMZlsawruahr.e7v/9X.YcymQ4htwA0"),
                Arguments.of("sha256-crypt", "$5$rounds=535000$NZMtQF4ushu0KeAe$7xnfSus2I.YgoMZlsawruahr.e7v/9X.YcymQ4htwA"),
                Arguments.of("sha256-crypt", "$5$rounds=535000$NZMtQF4ushu0KeAeX$7xnfSus2I.YgoMZlsawruahr.e7v/9X.YcymQ4htwA0"),
                Arguments.of("sha256-crypt", "$5$rounds=535000$NZMt:F4ushu0KeAe$7xnfSus2I.YgoMZlsawruahr.e7v/9X.YcymQ4htwA0"),
                Arguments.of("sha256-crypt", "$5$rounds=abc$NZMtQF4ushu0KeAe$7xnfSus2I.YgoMZlsawruahr.e7v/9X.YcymQ4htwA0"),
                Arguments.of("sha512-crypt", "$6$rounds=656000$54auNBn2IZavkkow$QLNIBw8v7PrdPFoA.Du373PWrHXxxXP5SVFnXzRGmD2V0sRKSwZS033Cc6ULls7aoH5A.UpkBpkRSh6UxQcw/"),
                Arguments.of("sha512-crypt", "$6$"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void malformedHashGivesMalformedHash(String schemeId, String hash) {
        assertThat(schemes.forHash(hash)).get().extracting(PasswordScheme::id).isEqualTo(schemeId);
        assertThat(schemes.verify("whatever", hash)).isEqualTo(Verification.MALFORMED_HASH);
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void malformationNamesWhatIsWrongWithoutTheHash(String schemeId, String hash) {
        assertThat(schemes.malformation(hash)).hasValueSatisfying(reason -> assertThat(reason)
                .startsWith("Malformed " + schemeId + " hash: ").doesNotContain(hash.length() > 16 ? hash : "\0"));
    }

    @Test
    void everySampleHashIsWellFormedAndAnUnknownOrBlankOneIsNot() {
        for (HashSamples.Sample sample : HashSamples.all()) {
            assertThat(schemes.malformation(sample.hash())).as(sample.scheme()).isEmpty();
        }
        assertThat(schemes.malformation("!unusable")).hasValue("of no known scheme");
        assertThat(schemes.malformation(" ")).hasValue("no hash");
    }

    @Test
    void aHashOverACostCeilingIsWellFormed() {
        String costly = "$2b$31$jGb85H7GMn9ScYrvYTPJWuNZxzZriFBWsIY7FqYg8caCEXd1S4QTy";

        assertThat(schemes.verify("whatever", costly)).isEqualTo(Verification.OVER_LIMIT);
        assertThat(schemes.malformation(costly)).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void malformedHashExceptionNeverCarriesTheHash(String schemeId, String hash) {
        PasswordScheme scheme = schemes.forHash(hash).orElseThrow();
        MalformedHashException e =
                catchThrowableOfType(MalformedHashException.class, () -> scheme.verify("whatever", hash));
        assertThat(e).isNotNull();
        assertThat(e.schemeId()).isEqualTo(schemeId);
        assertThat(e.getCause()).isNull();
        assertThat(e.getMessage()).startsWith("Malformed " + schemeId + " hash: ");
        if (hash.length() > 16) { // not just the bare prefix, which messages may name
            assertThat(e.getMessage()).doesNotContain(hash);
            assertThat(e.toString()).doesNotContain(hash);
        }
        String[] parts = hash.split("\\$");
        for (int i = 2; i < parts.length; i++) { // after the identifier: salts and digests, not "m=..." parameters
            if (parts[i].length() >= 11 && !parts[i].contains("=")) {
                assertThat(e.getMessage()).doesNotContain(parts[i]);
                assertThat(e.toString()).doesNotContain(parts[i]);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"$foo$bar$baz", "plaintext-password", "alice-Secret-1", "$1$saltsalt$abcdefghijklmnopqrstuv",
        "$2x$10$SaI5xdjfcTAb/eutsWCVCefOtgLc2wAi3cGRp7y4FI3iBuAqKth6e", "$2$10$SaI5xdjfcTAb/eutsWCVCefOtgLc2wAi3cGRp7y4FI3iBuAqKth6",
        "$argon2$v=19$m=65536,t=3,p=4$T4o17G06Yd44H7sAKIEFug$O3X4lU5wMP9mgVp7cmRgztLCtNjP+spwfvawWDdvt2Q",
        "$pbkdf2$1212$OB.dtnSEXZK8U5cgxU/GYQ$y5LKPOplRmok7CZp/aqVDVg8zGI", "{SSHA}abcdef", "$", "$$", "2b$12$abc",
        " $2b$12$jGb85H7GMn9ScYrvYTPJWuNZxzZriFBWsIY7FqYg8caCEXd1S4QTy"})
    void unknownPrefixGivesUnknownScheme(String hash) {
        assertThat(schemes.forHash(hash)).isEmpty();
        assertThat(schemes.verify("whatever", hash)).isEqualTo(Verification.UNKNOWN_SCHEME);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\t", "  \n "})
    void missingOrBlankHashIsMalformed(String hash) {
        assertThat(schemes.verify("whatever", hash)).isEqualTo(Verification.MALFORMED_HASH);
        assertThat(schemes.forHash(hash)).isEmpty();
    }

    @Test
    void nullPasswordNeverMatches() {
        HashSamples.Sample carol = HashSamples.byPassword("carol-Secret-3");
        assertThat(schemes.verify(null, carol.hash())).isEqualTo(Verification.MISMATCH);
        assertThat(schemes.verify(null, "$foo$bar")).isEqualTo(Verification.UNKNOWN_SCHEME);
        assertThat(schemes.verify(null, null)).isEqualTo(Verification.MALFORMED_HASH);
    }

    @Test
    void unpairedSurrogateInPasswordNeverMatches() {
        HashSamples.Sample carol = HashSamples.byPassword("carol-Secret-3");
        assertThat(schemes.verify("carol-Secret-3\uD800", carol.hash())).isEqualTo(Verification.MISMATCH);
    }

    @Test
    void defaultsAreShared() {
        assertThat(PasswordSchemes.defaults()).isSameAs(schemes);
    }
}
