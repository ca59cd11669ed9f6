package dev.appusers.keycloak.metrics;

import dev.appusers.keycloak.password.Verification;

/**
 * What one app-users component records about itself: its calls to the app database, password verifications,
 * unknown-user waits, change feed and syncs. Handed to the places that record; {@link #NONE} when Keycloak runs
 * without metrics, whose every method does nothing, so that then no meter exists and recording costs a call.
 * Implementations are thread-safe.
 */
public interface ComponentMeters {

    /** Records nothing: Keycloak runs without metrics, or the component is not known (yet). */
    ComponentMeters NONE = new ComponentMeters() {
    };

    /** @return whether anything is recorded (false for {@link #NONE}): callers may skip measuring */
    default boolean on() {
        return false;
    }

    /**
     * One call to the app database.
     *
     * @param failure null when it succeeded, else why it failed
     */
    default void dbCall(DbOperation operation, long nanos, DbFailure failure) {
    }

    /** Rows a call read but could not use (each one counted as a {@link DbFailure#MALFORMED_ROW} failure). */
    default void malformedRows(int count) {
    }

    /**
     * One password check against an app hash.
     *
     * @param encodedHash the stored hash: only its prefix is looked at, to name the scheme; never kept
     */
    default void passwordChecked(String encodedHash, Verification outcome, long nanos) {
    }

    /** The wait charged to a sign-in without a checkable user: {@code nanos} waited, or negative when skipped. */
    default void unknownUserWait(long nanos) {
    }

    /** The change feed read its table (its reader started, or a poll succeeded). */
    default void feedPolled() {
    }

    /** The change feed stopped for good (the component no longer caches users): its poll age is no longer shown. */
    default void feedOff() {
    }

    /**
     * The change feed applied changes.
     *
     * @param changes changed users whose changes reached this node now (each records the lag once)
     * @param evicted how many of them were cached here and evicted
     * @param lagNanos the upper bound of the time from the app's commit to now
     */
    default void feedApplied(int changes, int evicted, long lagNanos) {
    }

    /** A sync ended (finished or stopped midway). */
    default void synced(int added, int updated, int removed, int failed, long nanos) {
    }
}
