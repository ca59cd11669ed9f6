package dev.appusers.keycloak.lockout;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Which "disabled" is Keycloak's lockout; the lockout itself runs on a real Keycloak in {@code BruteForceScenarios}.
 */
class KeycloakLockoutTest {

    @Test
    void onlyKeycloaksPermanentLockoutReasonHolds() {
        assertThat(KeycloakLockout.holds("permanentLockout")).isTrue();
        assertThat(KeycloakLockout.holds(null)).isFalse();
        assertThat(KeycloakLockout.holds("")).isFalse();
        assertThat(KeycloakLockout.holds("PermanentLockout")).isFalse();
    }

    @Test
    void aDisableFromAnywhereButKeycloaksBruteForceProtectorIsNoLockout() {
        assertThat(KeycloakLockout.isLockingOut()).isFalse();
        assertThat(KeycloakLockout.isProtector(KeycloakLockoutTest.class)).isFalse();
        assertThat(KeycloakLockout.isProtector(Runnable.class)).isFalse();
    }
}
