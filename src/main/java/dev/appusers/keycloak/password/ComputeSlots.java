package dev.appusers.keycloak.password;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

/**
 * The one limiter every slow hash computation (argon2, bcrypt, bcrypt-sha256, pbkdf2, SHA-crypt, for verifying and
 * for hashing) takes a slot from, and that an unknown username's stand-in takes a slot from too: as many slots as
 * processors, since one argon2 computation already keeps every processor busy through its lanes and more at once would
 * only add heap and latency. A caller waits for a slot at most a bounded time, and only a bounded number of callers may
 * wait, all kinds together; beyond that it is refused at once. Slots and waiters together hold at most half of
 * Keycloak's worker threads ({@link #maxWaiting}), so a flood of logins or registrations leaves the other half to every
 * other request, and holds each thread for a bounded time.
 */
final class ComputeSlots {

    private static final Logger LOG = Logger.getLogger(ComputeSlots.class);

    /** How long a sign-in waits for a slot. */
    static final long DEFAULT_WAIT_MILLIS = 5000;

    private static final ComputeSlots SHARED = shared(LaneRunner.maxThreadsPerSlice(), WorkerThreads.ofThisServer());

    private final int slots;
    private final Semaphore free;
    private final int maxWaiting;
    private final AtomicInteger waiting;
    private final long waitNanos;

    /**
     * @param slots computations that may run at once
     * @param maxWaiting callers that may wait for a slot at once
     * @param waitMillis how long one caller waits
     */
    ComputeSlots(int slots, int maxWaiting, long waitMillis) {
        this(slots, new Semaphore(slots, true), maxWaiting, new AtomicInteger(), waitMillis);
    }

    private ComputeSlots(int slots, Semaphore free, int maxWaiting, AtomicInteger waiting, long waitMillis) {
        if (slots < 1 || maxWaiting < 0 || waitMillis < 0) {
            throw new IllegalArgumentException("slots >= 1, maxWaiting >= 0 and waitMillis >= 0 expected");
        }
        this.slots = slots;
        this.free = free;
        this.maxWaiting = maxWaiting;
        this.waiting = waiting;
        this.waitNanos = TimeUnit.MILLISECONDS.toNanos(waitMillis);
    }

    private static ComputeSlots shared(int slots, WorkerThreads.Pool pool) {
        int waiters = maxWaiting(pool.threads(), slots);
        LOG.infof("Password hashing: %d computations at once, at most %d more waiting (at most half of the %d "
                + "worker threads of %s)", slots, waiters, pool.threads(), pool.source());
        return new ComputeSlots(slots, waiters, DEFAULT_WAIT_MILLIS);
    }

    /**
     * How many callers may wait for a slot: what is left of half of Keycloak's worker threads once every slot is taken
     * (at least one), so that hashing, and waiting for it, never holds more than half of the threads that answer
     * requests.
     *
     * @param workerThreads Keycloak's worker pool ({@link WorkerThreads})
     * @param slots the limiter's slots
     */
    static int maxWaiting(int workerThreads, int slots) {
        return Math.max(1, workerThreads / 2 - slots);
    }

    /**
     * The same slots and the same bounded waiters (counted together) for hashing a new password, with its own wait:
     * an admin's reset or a registration may wait a little longer than a sign-in, and is refused as busy beyond it.
     */
    ComputeSlots waitingFor(long waitMillis) {
        return new ComputeSlots(slots, free, maxWaiting, waiting, waitMillis);
    }

    /**
     * The same slots for a caller that takes one only if it is free now and never waits (the background measurement
     * of an unknown user's time, which must not wait behind real sign-ins); it is not counted among the waiters.
     */
    ComputeSlots immediate() {
        return new ComputeSlots(slots, free, 0, waiting, 0);
    }

    /** @return the process-wide limiter */
    static ComputeSlots shared() {
        return SHARED;
    }

    int slots() {
        return slots;
    }

    int maxWaiting() {
        return maxWaiting;
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
        if (waitNanos == 0) {
            throw new VerificationBusyException("all " + slots + " password hashing slots are taken");
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
