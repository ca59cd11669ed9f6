package dev.appusers.keycloak.password;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

/**
 * Makes "no such user" cost what "wrong password" costs, in time and in answer. Keycloak's authenticators already pay
 * one hash of the realm's own algorithm for an unknown username, but the app's hashes (Litestar-Users: argon2id with
 * 100 MiB) usually cost several times more, so without this an attacker could tell which emails have accounts by
 * timing a failed login.
 *
 * <p>Where a known user's sign-in would compute a hash (the provider's {@code PasswordChecks}), an unknown username
 * (or a known user whose hash cannot be checked) takes a stand-in for that computation: it queues for a slot of the
 * same limiter, with the same wait, among the same bounded waiters, holds the same memory, and then holds the slot,
 * without computing, as long as a verification of the app's users runs in a slot now: the median of the last
 * {@link #SAMPLES} real verifications of this component ({@link #timing}) and of runs against a throw-away hash in the
 * configured scheme and parameters ({@code passwordHashScheme}, {@code passwordHashParameters}), made in the background when the component
 * is loaded and whenever no verification ran for {@link #RECALIBRATE_NANOS}, unless a component of the same form
 * verified within that time ({@link FormCalibration}: its time is taken). So under any burst an unknown username
 * waits where a known one waits, and when the queue is full it is refused as busy exactly where a known one is
 * ({@link #pay()} says so, and the caller answers as for a busy verification); and a flood of unknown usernames costs
 * no processor time, only slots, as a flood of wrong passwords would.
 */
public final class UnknownUserCost {

    private static final Logger LOG = Logger.getLogger(UnknownUserCost.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** How long a measured verification time is used before it is measured again. */
    static final long RECALIBRATE_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** Runs the throw-away verifications, off the request threads, one at a time for the whole server. */
    private static final Executor MEASURER = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "app-users-unknown-user-cost");
        thread.setDaemon(true);
        return thread;
    });

    /** How many recent verification times the stand-in's time is the median of. */
    static final int SAMPLES = 7;

    private final HashingScheme scheme;
    private final FormCalibration calibration;
    private final CostLimits limits;
    private final CostLimits measurement;
    private final LongSupplier clock;
    private final Executor measurer;
    private final AtomicBoolean measuring = new AtomicBoolean();
    private final long[] samples = new long[SAMPLES];
    private int sampleCount;
    private long lastSampleAt;

    /**
     * Starts measuring at once (in the background), so that the first unknown username after a start already waits.
     *
     * @param limits the component's ceilings and limiter, which its users' verifications run in
     */
    public UnknownUserCost(HashingScheme scheme, CostLimits limits) {
        this(scheme, limits, System::nanoTime, MEASURER, FormCalibration.SERVER);
        measureSoon();
    }

    /** A cost of its own, sharing nothing with other components (the unit tests'). */
    public UnknownUserCost(HashingScheme scheme, CostLimits limits, LongSupplier clock, Executor measurer) {
        this(scheme, limits, clock, measurer, new FormCalibration());
    }

    UnknownUserCost(HashingScheme scheme, CostLimits limits, LongSupplier clock, Executor measurer,
                    FormCalibration calibration) {
        this.scheme = scheme;
        this.calibration = calibration;
        this.limits = limits;
        // a hashing slot only if one is free at once: measuring never waits behind real sign-ins
        this.measurement = limits.withoutWaiting().observing(this::observe);
        this.clock = clock;
        this.measurer = measurer;
    }

    /**
     * Takes a stand-in for one verification: a slot of the limiter, waited for as a verification waits, held as long
     * as a verification runs now (the median of the recent ones; nothing while none is known yet, for a moment after
     * a start). An old measurement is renewed in the background.
     *
     * @return how long the request was held back, the wait for the slot included (nanoseconds, for the meters)
     * @throws VerificationBusyException when refused as busy (no slot came free in time, or too many callers wait), as
     *     a known user's verification would have been refused at this moment: the caller answers as it answers a busy
     *     verification ("try again")
     */
    public long pay() {
        if (isStale()) {
            measureSoon();
        }
        long start = System.nanoTime();
        try {
            limits.occupy(scheme.id(), scheme.memoryKib(), Math.max(0, median()));
            return System.nanoTime() - start;
        } catch (VerificationBusyException e) {
            LOG.debugf("Login without a checkable hash refused as a busy verification would be: %s", e.getMessage());
            throw e;
        } catch (HashCostException e) {
            return 0; // the configured scheme no longer fits the heap: Save refuses it, nothing to stand in for
        }
    }

    /**
     * @return {@code limits} telling this cost how long each verification ran in its slot, so that the stand-in follows
     *     what the app's users' sign-ins take now
     */
    public CostLimits timing(CostLimits verification) {
        return verification.observing(this::observe);
    }

    /**
     * A hash in the configured scheme of a random secret no one knows (the one the measurements verify against), for
     * a row that must hold a hash before its user's password is set: computed once, in {@code hashing}'s limits.
     */
    public String unusableHash(CostLimits hashing) {
        return calibration.unusableHash(scheme.form(), () -> scheme.hash(randomText(), hashing));
    }

    /** Records how long a real verification of this component ran in its slot (a match or a mismatch). */
    void observe(long nanos) {
        long now = clock.getAsLong();
        remember(nanos, now);
        calibration.record(scheme.form(), nanos, now);
    }

    private synchronized void remember(long nanos, long at) {
        samples[sampleCount % SAMPLES] = nanos;
        sampleCount++;
        lastSampleAt = at;
    }

    private synchronized boolean isStale() {
        return sampleCount == 0 || clock.getAsLong() - lastSampleAt >= RECALIBRATE_NANOS;
    }

    /** @return the median of the recent verification times, or -1 when none is known */
    synchronized long median() {
        if (sampleCount == 0) {
            return -1;
        }
        long[] known = Arrays.copyOf(samples, Math.min(sampleCount, SAMPLES));
        Arrays.sort(known);
        return known[known.length / 2];
    }

    /**
     * One throw-away verification, in the background, unless one is under way or another component of the same form
     * verified within {@link #RECALIBRATE_NANOS}: then its time is taken.
     */
    private void measureSoon() {
        FormCalibration.Sample shared = calibration.recent(scheme.form(), clock.getAsLong(), RECALIBRATE_NANOS);
        if (shared != null) {
            remember(shared.nanos(), shared.at());
            return;
        }
        if (measuring.compareAndSet(false, true)) {
            try {
                measurer.execute(() -> {
                    try {
                        measure();
                    } finally {
                        measuring.set(false);
                    }
                });
            } catch (RuntimeException e) {
                measuring.set(false);
                LOG.debugf("Unknown-user cost: measurement not started (%s)", e.getClass().getSimpleName());
            }
        }
    }

    private void measure() {
        try {
            String hash = unusableHash(CostLimits.forHashing().withoutWaiting());
            long start = clock.getAsLong();
            scheme.verify(randomText(), hash, measurement);
            LOG.debugf("Unknown-user cost: one %s verification took %d ms", scheme.id(),
                    TimeUnit.NANOSECONDS.toMillis(clock.getAsLong() - start));
        } catch (RuntimeException e) {
            LOG.debugf("Unknown-user cost: not measured, %s", e.getMessage());
        }
    }

    private static String randomText() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }
}
