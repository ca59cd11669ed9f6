package dev.appusers.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.appusers.keycloak.metrics.ComponentMeters;
import dev.appusers.keycloak.password.CostLimits;
import dev.appusers.keycloak.password.CountingScheme;
import dev.appusers.keycloak.password.PasswordSchemes;
import dev.appusers.keycloak.password.UnknownUserCost;

/** A user whose hash cannot be checked pays the unknown-user cost, so timing does not tell the cases apart. */
class AppPasswordsTest {

    private final AppPasswords passwords = new AppPasswords(PasswordSchemes.defaults());
    private final CountingScheme scheme = new CountingScheme(0);
    private final UnknownUserCost cost = new UnknownUserCost(scheme, CostLimits.defaults(), System::nanoTime,
            Runnable::run); // measures on the calling thread

    private boolean verify(String hash, String password) {
        return passwords.verify("4a7c3a4e-0000-4000-8000-000000000001", hash, password, CostLimits.defaults(), cost,
                ComponentMeters.NONE);
    }

    @Test
    void aCheckedHashPaysNothingExtra() {
        String hash = scheme.hash("right");
        assertThat(verify(hash, "right")).isTrue();
        assertThat(verify(hash, "wrong")).isFalse();
        assertThat(scheme.verifications).hasValue(0);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        "plain-text-password", // unknown scheme
        "$2b$12$tooShort", // malformed
        "$argon2id$v=19$m=65536,t=3,p=4$T4o17G06Yd44H7sAKIEFug$", // malformed
        "$2b$31$jGb85H7GMn9ScYrvYTPJWuNZxzZriFBWsIY7FqYg8caCEXd1S4QTy", // over the bcrypt ceiling
        "$argon2id$v=19$m=2097152,t=1,p=4$T4o17G06Yd44H7sAKIEFug$O3X4lU5wMP9mgVp7cmRgztLCtNjP+spwfvawWDdvt2Q",
        "$pbkdf2-sha256$2147483647$IQRACKG0ViqlFEJozZlzbg$IR/bgo16YNgaslmbI.ahbxIhgTlk4aoSGLjH3xcEJFQ"})
    void aHashThatCannotBeCheckedPaysOneVerificationLikeAnUnknownUser(String hash) {
        assertThat(verify(hash, "alice-Secret-1")).isFalse();
        assertThat(scheme.verifications).hasValue(1);
    }

    @Test
    void aTooLongPasswordPaysOneVerificationToo() {
        assertThat(verify(scheme.hash("right"), "x".repeat(5000))).isFalse();
        assertThat(scheme.verifications).hasValue(1);
    }
}
