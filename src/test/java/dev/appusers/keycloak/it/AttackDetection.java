package dev.appusers.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Keycloak's brute-force status of a user, as the admin console shows it
 * ({@code GET /admin/realms/<realm>/attack-detection/brute-force/users/<id>}: {@code numFailures}, {@code disabled}).
 * Keycloak records a failure on its brute-force thread, after the refusal is answered, so a test that counts failures
 * waits for them ({@link #await}) before its next sign-in.
 */
public final class AttackDetection {

    private static final long WAIT_NANOS = 15_000_000_000L;
    private static final long POLL_MILLIS = 200;

    private AttackDetection() {
    }

    public static JsonNode status(AdminClient admin, String realm, String userId) {
        return admin.getJson("/" + realm + "/attack-detection/brute-force/users/" + userId);
    }

    /**
     * The status once {@code reached} holds (up to 15 s; the test fails otherwise), read once more a poll later: a
     * failure counted late would show then.
     */
    public static JsonNode await(AdminClient admin, String realm, String userId, Predicate<JsonNode> reached) {
        long deadline = System.nanoTime() + WAIT_NANOS;
        JsonNode status = status(admin, realm, userId);
        while (!reached.test(status) && System.nanoTime() < deadline) {
            sleep();
            status = status(admin, realm, userId);
        }
        assertThat(reached.test(status)).as("brute-force status of %s: %s", userId, status).isTrue();
        sleep();
        return status(admin, realm, userId);
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
