package dev.appusers.keycloak.password;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one limiter every slow hash computation (argon2, bcrypt, bcrypt-sha256, pbkdf2, SHA-crypt, for verifying and
 * for hashing) takes a slot from: as many slots as processors, since one argon2 computation already keeps every
 * processor busy through its lanes and more at once would only add heap and latency. A caller waits for a slot at
 * most a bounded time, and only a bounded number of callers may wait; beyond that it is refused at once. A flood of
 * logins therefore holds a bounded number of Keycloak's request threads, each for a bounded time.
 */
final class ComputeSlots {

    /** How long a caller waits for a slot. */
    static final long DEFAULT_WAIT_MILLIS = 5000;
    /** How many callers may wait, per slot. */
    static final int WAITERS_PER_SLOT = 8;

    private static final ComputeSlots SHARED = new ComputeSlots(LaneRunner.maxThreadsPerSlice(),
            LaneRunner.maxThreadsPerSlice() * WAITERS_PER_SLOT, DEFAULT_WAIT_MILLIS);

    private final int slots;
    private final Semaphore free;
    private final int maxWaiting;
    private final AtomicInteger waiting = new AtomicInteger();
    private final long waitNanos;

    /**
     * @param slots computations that may run at once
     * @param maxWaiting callers that may wait for a slot at once
     * @param waitMillis how long one caller waits
     */
    ComputeSlots(int slots, int maxWaiting, long waitMillis) {
        this(slots, new Semaphore(slots, true), maxWaiting, waitMillis);
    }

    private ComputeSlots(int slots, Semaphore free, int maxWaiting, long waitMillis) {
        if (slots < 1 || maxWaiting < 0 || waitMillis < 0) {
            throw new IllegalArgumentException("slots >= 1, maxWaiting >= 0 and waitMillis >= 0 expected");
        }
        this.slots = slots;
        this.free = free;
        this.maxWaiting = maxWaiting;
        this.waitNanos = TimeUnit.MILLISECONDS.toNanos(waitMillis);
    }

    /**
     * The same slots for callers that may wait longer and are not counted among the bounded waiters: hashing a new
     * password, which only an admin, a signed-in user or the holder of an emailed link can ask for. Sign-ins, which
     * anyone can send, keep the short wait and the bound.
     */
    ComputeSlots patient(long waitMillis) {
        return new ComputeSlots(slots, free, Integer.MAX_VALUE, waitMillis);
    }

    /**
     * The same slots for a caller that takes one only if it is free now and never waits: the dummy verification an
     * unknown username pays, which under a flood must not hold request threads (nor the CPU the waiting would cost).
     */
    ComputeSlots immediate() {
        return new ComputeSlots(slots, free, 0, 0);
    }

    /** @return the process-wide limiter */
    static ComputeSlots shared() {
        return SHARED;
    }

    int slots() {
        return slots;
    }

    long waitNanos() {
        return waitNanos;
    }

    /**
     * Takes a slot, waiting at most the bounded time.
     *
     * @return the slot, to be closed (released) when the computation ends
     * @throws VerificationBusyException when no slot came free in time, too many callers already wait, or the
     *     thread was interrupted (its interrupt flag is kept)
     */
    Slot acquire() {
        long start = System.nanoTime();
        if (free.tryAcquire()) {
            return taken(start);
        }
        if (waiting.incrementAndGet() > maxWaiting) {
            waiting.decrementAndGet();
            refused();
            throw new VerificationBusyException("all " + slots + " password hashing slots are taken and "
                    + maxWaiting + " callers already wait");
        }
        try {
            if (free.tryAcquire(waitNanos, TimeUnit.NANOSECONDS)) {
                return taken(start);
            }
            refused();
            throw new VerificationBusyException("no password hashing slot came free within "
                    + TimeUnit.NANOSECONDS.toMillis(waitNanos) + " ms (all " + slots + " taken)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VerificationBusyException("interrupted while waiting for a password hashing slot");
        } finally {
            waiting.decrementAndGet();
        }
    }

    /** The slot taken, reported to {@link SlotEvents} (unless this caller never waits: a background measurement). */
    private Slot taken(long start) {
        if (waitNanos > 0) {
            SlotEvents.waited(System.nanoTime() - start);
        }
        return new Slot();
    }

    private void refused() {
        if (waitNanos > 0) {
            SlotEvents.refused();
        }
    }

    /** A taken slot; {@link #close()} gives it back (once). */
    final class Slot implements AutoCloseable {

        private boolean released;

        private Slot() {
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                free.release();
            }
        }
    }
}
