package dev.appusers.keycloak.password;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The heap that argon2 computations may hold at once: by default half of the JVM's maximum heap
 * ({@code Runtime.maxMemory()}), counted in KiB. Each computation reserves its {@code m} KiB before anything is
 * allocated and gives them back when it ends. A hash whose {@code m} alone exceeds the budget is refused at once (it
 * could never run without risking an {@link OutOfMemoryError}, which ends Keycloak under
 * {@code -XX:+ExitOnOutOfMemoryError}); otherwise the caller waits a bounded time for other computations to end.
 */
final class MemoryBudget {

    private static final MemoryBudget SHARED = ofHeap(Runtime.getRuntime().maxMemory());

    private final int capacityKib;
    private final long heapBytes;
    private final Semaphore freeKib;

    /**
     * @param capacityKib the budget
     * @param heapBytes the heap the budget was taken from (for messages)
     */
    MemoryBudget(int capacityKib, long heapBytes) {
        if (capacityKib < 1) {
            throw new IllegalArgumentException("memory budget must be at least 1 KiB");
        }
        this.capacityKib = capacityKib;
        this.heapBytes = heapBytes;
        this.freeKib = new Semaphore(capacityKib, true);
    }

    /** Half of the given maximum heap. */
    static MemoryBudget ofHeap(long maxHeapBytes) {
        return new MemoryBudget((int) Math.max(1, Math.min(Integer.MAX_VALUE, maxHeapBytes / 2 / 1024)), maxHeapBytes);
    }

    /** @return the process-wide budget, half of the maximum heap */
    static MemoryBudget shared() {
        return SHARED;
    }

    int capacityKib() {
        return capacityKib;
    }

    /**
     * Refuses, without reserving anything, an amount that exceeds the whole budget.
     *
     * @throws HashCostException naming the parameter, the budget and the heap
     */
    void checkFits(String schemeId, String parameter, long kib) {
        if (kib > capacityKib) {
            throw new HashCostException(schemeId, parameter + "=" + kib + " KiB is over the memory budget of "
                    + capacityKib + " KiB (half of the " + heapBytes / (1024 * 1024) + " MiB maximum heap)");
        }
    }

    /**
     * Reserves {@code kib} KiB, waiting at most {@code timeoutNanos} for other computations to give theirs back.
     *
     * @return the reservation, to be closed when the memory is no longer used
     * @throws HashCostException at once if {@code kib} exceeds the whole budget
     * @throws VerificationBusyException if the memory did not come free in time (or the thread was interrupted)
     */
    Reservation reserve(String schemeId, String parameter, long kib, long timeoutNanos) {
        checkFits(schemeId, parameter, kib);
        int permits = (int) Math.max(0, kib);
        try {
            if (freeKib.tryAcquire(permits, Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS)) {
                return new Reservation(permits);
            }
            throw new VerificationBusyException("the " + kib + " KiB a " + schemeId + " computation needs did not "
                    + "come free in time (memory budget " + capacityKib + " KiB)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VerificationBusyException("interrupted while waiting for hashing memory");
        }
    }

    /** Reserved memory; {@link #close()} gives it back (once). */
    final class Reservation implements AutoCloseable {

        private final int kib;
        private boolean released;

        private Reservation(int kib) {
            this.kib = kib;
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                freeKib.release(kib);
            }
        }
    }
}
