package dev.appusers.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;

import org.junit.jupiter.api.Test;
import org.keycloak.models.UserModel;

/**
 * The right password of a user the app disabled is never let through outside Keycloak's two sign-in steps that are
 * known to answer it ({@code BruteForceScenarios} runs those on a real Keycloak).
 */
class AccountDisabledTest {

    private static UserModel copy(boolean enabled) {
        return (UserModel) Proxy.newProxyInstance(UserModel.class.getClassLoader(), new Class<?>[] {UserModel.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "isEnabled" -> enabled;
                    case "getId" -> "f:component:user";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void aCopyThatStillSaysEnabledIsRefused() {
        assertThat(AccountDisabled.answer(copy(true))).isFalse();
    }

    @Test
    void aDisabledCopyIsRefusedOutsideKeycloaksSignInSteps() {
        assertThat(AccountDisabled.answer(copy(false))).isFalse();
    }
}
