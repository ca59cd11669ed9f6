package dev.appusers.keycloak;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;

import dev.appusers.keycloak.password.CostLimits;
import dev.appusers.keycloak.password.HashingScheme;

/**
 * Makes "no such user" take as long as "wrong password". Keycloak's authenticators already pay one hash of the realm's
 * own algorithm for an unknown username, but the app's hashes (Litestar-Users: argon2id with 100 MiB) usually cost
 * several times more, so without this an attacker could tell which emails have accounts by timing a failed login.
 *
 * <p>When a login looks up a username or email the app does not have, the answer is held back as long as one
 * verification in the component's configured scheme and parameters ({@code passwordHashScheme},
 * {@code passwordHashParameters}) takes: the median of the last {@link #SAMPLES} verifications of the app's users'
 * passwords ({@link #observe}) and of runs against a throw-away hash in those parameters, made in the background when
 * the component is loaded and whenever no verification ran for {@link #RECALIBRATE_NANOS}. The request itself only
 * waits, which costs no processor time. So a flood of unknown usernames cannot keep the processors busy with dummy
 * hashes while Keycloak still has requests to answer, and the time an unknown user takes follows what a real
 * verification takes. At most
 * {@link #MAX_WAITING} requests wait at once; beyond that (a flood) the answer comes at once. Lookups outside a login
 * (admin console, registration checks by admins) pay nothing. A known user whose hash is malformed, of an unknown
 * scheme or over a cost ceiling pays it too.
 */
final class UnknownUserCost {

    private static final Logger LOG = Logger.getLogger(UnknownUserCost.class);
    private static final String TOKEN_ENDPOINT = "/protocol/openid-connect/token";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** How long a measured verification time is used before it is measured again. */
    static final long RECALIBRATE_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** Requests that may wait at once, shared by every component of the server. */
    static final int MAX_WAITING = 4 * Math.max(1, Runtime.getRuntime().availableProcessors());
    private static final Semaphore WAITING = new Semaphore(MAX_WAITING);
    /** Runs the throw-away verifications, off the request threads, one at a time for the whole server. */
    private static final Executor MEASURER = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "app-users-unknown-user-cost");
        thread.setDaemon(true);
        return thread;
    });

    /** How many recent verification times the wait is the median of. */
    static final int SAMPLES = 7;

    private final HashingScheme scheme;
    private final CostLimits limits;
    private final LongSupplier clock;
    private final Semaphore waiting;
    private final Executor measurer;
    private final AtomicBoolean measuring = new AtomicBoolean();
    private final long[] samples = new long[SAMPLES];
    private int sampleCount;
    private long lastSampleAt;
    private volatile String dummyHash;

    /**
     * Starts measuring at once (in the background), so that the first unknown username after a start already waits.
     *
     * @param limits the component's ceilings, which the configuration checked the scheme against
     */
    UnknownUserCost(HashingScheme scheme, CostLimits limits) {
        this(scheme, limits, System::nanoTime, WAITING, MEASURER);
        measureSoon();
    }

    UnknownUserCost(HashingScheme scheme, CostLimits limits, LongSupplier clock, Semaphore waiting,
                    Executor measurer) {
        this.scheme = scheme;
        // a hashing slot only if one is free at once: measuring never waits behind real sign-ins
        this.limits = limits.withoutWaiting();
        this.clock = clock;
        this.waiting = waiting;
        this.measurer = measurer;
    }

    /**
     * Holds the current request back as long as a wrong password takes in the configured scheme: the median of the
     * recent verification times, if fewer than {@link #MAX_WAITING} requests wait already. When no time is known yet
     * (just after a start, for a moment), nothing is paid. An old measurement is renewed in the background.
     *
     * @return how long the request was held back (nanoseconds), or -1 when it was not (for the meters)
     */
    long pay() {
        if (isStale()) {
            measureSoon();
        }
        long wait = median();
        if (wait < 0) {
            LOG.debug("Login without a checkable hash: not paid, no verification time known yet");
            return -1;
        } else if (!waiting.tryAcquire()) {
            LOG.debugf("Login without a checkable hash: not paid, %d requests wait already", MAX_WAITING);
            return -1;
        } else {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                waiting.release();
            }
            return wait;
        }
    }

    /**
     * Records how long a real verification of this component took (a match or a mismatch, slot wait included), so
     * that an unknown user's login follows what the app's users' sign-ins take now.
     */
    synchronized void observe(long nanos) {
        samples[sampleCount % SAMPLES] = nanos;
        sampleCount++;
        lastSampleAt = clock.getAsLong();
    }

    private synchronized boolean isStale() {
        return sampleCount == 0 || clock.getAsLong() - lastSampleAt >= RECALIBRATE_NANOS;
    }

    /** @return the median of the recent verification times, or -1 when none is known */
    private synchronized long median() {
        if (sampleCount == 0) {
            return -1;
        }
        long[] known = java.util.Arrays.copyOf(samples, Math.min(sampleCount, SAMPLES));
        java.util.Arrays.sort(known);
        return known[known.length / 2];
    }

    /** One throw-away verification, in the background, unless one is under way. */
    private void measureSoon() {
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
            String hash = dummyHash;
            if (hash == null) {
                hash = scheme.hash(randomText());
                dummyHash = hash;
            }
            long start = clock.getAsLong();
            scheme.verify(randomText(), hash, limits);
            long end = clock.getAsLong();
            observe(end - start);
            LOG.debugf("Unknown-user cost: one %s verification took %d ms", scheme.id(),
                    TimeUnit.NANOSECONDS.toMillis(end - start));
        } catch (RuntimeException e) {
            LOG.debugf("Unknown-user cost: not measured, %s", e.getMessage());
        }
    }

    /** Whether the session serves a login: a browser flow (authentication session) or a token request. */
    static boolean isLogin(KeycloakSession session) {
        KeycloakContext context = session.getContext();
        if (context.getAuthenticationSession() != null) {
            return true;
        }
        try {
            return context.getUri() != null && context.getUri().getPath().endsWith(TOKEN_ENDPOINT);
        } catch (RuntimeException e) {
            return false; // no HTTP request behind this session (background task)
        }
    }

    private static String randomText() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }
}
