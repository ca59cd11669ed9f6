package dev.appusers.keycloak.bench;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.appusers.keycloak.metrics.AppUsersMeters;
import dev.appusers.keycloak.metrics.ComponentMeters;
import dev.appusers.keycloak.metrics.DbOperation;
import dev.appusers.keycloak.password.Verification;

/**
 * What the provider's recording of one sign-in costs in this JVM, apart from any server: the calls a federated
 * password sign-in makes on its component's meters (finding the component's meters, the user lookup and the role
 * read timed, the verification timed into its histogram, and one more timer standing for the server-wide hashing-slot
 * wait), on Micrometer's global registry with a registry added, as Keycloak's is when metrics are on. Unlike the
 * servers' throughput, this figure does not drown in the machine's load.
 */
final class RecordingCost {

    private static final String HASH = "$2b$04$abcdefghijklmnopqrstuuK5A8HSrmG2mHkWQ1x8A/hhdA5dvHCMW";

    private RecordingCost() {
    }

    /** @return nanoseconds per sign-in's recording, the fastest of five timed passes of {@code signIns} each */
    static double nanosPerSignIn(int signIns) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Metrics.globalRegistry.add(registry);
        try {
            AppUsersMeters meters = AppUsersMeters.server();
            pass(meters, signIns); // warm-up: registers the meters, compiles the path
            long best = Long.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                long start = System.nanoTime();
                pass(meters, signIns);
                best = Math.min(best, System.nanoTime() - start);
            }
            return (double) best / signIns;
        } finally {
            Metrics.globalRegistry.remove(registry);
        }
    }

    private static void pass(AppUsersMeters meters, int signIns) {
        for (int i = 0; i < signIns; i++) {
            ComponentMeters component = meters.of("bench-metrics", "component-id", "app-users");
            component.dbCall(DbOperation.USER_LOOKUP, 1_200_000 + i % 1000, null);
            component.dbCall(DbOperation.ROLE_READ, 900_000 + i % 1000, null);
            component.passwordChecked(HASH, Verification.MATCH, 9_000_000 + i % 1000);
            component.unknownUserWait(i % 1000); // stands for the server-wide slot-wait timer: one timer record
        }
    }
}
