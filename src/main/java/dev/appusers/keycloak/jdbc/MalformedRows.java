package dev.appusers.keycloak.jdbc;

/**
 * Counts, per thread, the rows the repositories read but could not use (an id that is no UUID, an empty username, a
 * change row naming no user id), so that {@link AppDatabase} can tell the component's meters how many rows of a call
 * were malformed without every reader carrying the meters. Each such row is also logged where it is skipped.
 */
final class MalformedRows {

    private static final ThreadLocal<int[]> COUNT = ThreadLocal.withInitial(() -> new int[1]);

    private MalformedRows() {
    }

    /** A row was skipped as malformed. */
    static void seen() {
        COUNT.get()[0]++;
    }

    /** @return the rows skipped on this thread since the last call, and starts counting anew */
    static int take() {
        int[] count = COUNT.get();
        int taken = count[0];
        count[0] = 0;
        return taken;
    }
}
