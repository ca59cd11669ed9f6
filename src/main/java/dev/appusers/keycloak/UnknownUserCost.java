package dev.appusers.keycloak;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;

import dev.appusers.keycloak.password.CostLimits;
import dev.appusers.keycloak.password.HashingScheme;
import dev.appusers.keycloak.password.VerificationBusyException;

/**
 * Makes "no such user" take as long as "wrong password". Keycloak's authenticators already pay one hash of the realm's
 * own algorithm for an unknown username, but the app's hashes (Litestar-Users: argon2id with 100 MiB) usually cost
 * several times more, so without this an attacker could tell which emails have accounts by timing a failed login.
 *
 * <p>When a login looks up a username or email the app does not have, the answer is held back as long as one
 * verification in the component's configured scheme and parameters ({@code passwordHashScheme},
 * {@code passwordHashParameters}) takes: the median of the last {@link #SAMPLES} verifications of the app's users'
 * passwords ({@link #observe}), or, when none ran within {@link #RECALIBRATE_NANOS}, of one run against a throw-away
 * hash in those parameters. Between such runs the request only waits, which costs no processor time. So a flood of unknown usernames cannot keep the processors busy with dummy hashes while Keycloak
 * still has requests to answer, and the time an unknown user takes follows what a real verification takes. At most
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

    /** How many recent verification times the wait is the median of. */
    static final int SAMPLES = 7;

    private final HashingScheme scheme;
    private final CostLimits limits;
    private final LongSupplier clock;
    private final Semaphore waiting;
    private final AtomicBoolean measuring = new AtomicBoolean();
    private final long[] samples = new long[SAMPLES];
    private int sampleCount;
    private long lastSampleAt;
    private volatile String dummyHash;

    /** @param limits the component's ceilings, which the configuration checked the scheme against */
    UnknownUserCost(HashingScheme scheme, CostLimits limits) {
        this(scheme, limits, System::nanoTime, WAITING);
    }

    UnknownUserCost(HashingScheme scheme, CostLimits limits, LongSupplier clock, Semaphore waiting) {
        this.scheme = scheme;
        // a hashing slot only if one is free at once: measuring never waits behind real sign-ins
        this.limits = limits.withoutWaiting();
        this.clock = clock;
        this.waiting = waiting;
    }

    /**
     * Holds the current request back as long as a wrong password takes in the configured scheme: by verifying a
     * throw-away hash when no recent time is known (taking a hashing slot only if one is free at once), else by
     * waiting the median of the recent times (if fewer than {@link #MAX_WAITING} requests wait already). Otherwise
     * nothing is paid.
     */
    void pay() {
        long wait = recentMedian();
        if (wait < 0 && measuring.compareAndSet(false, true)) {
            try {
                if (measure()) {
                    return;
                }
            } finally {
                measuring.set(false);
            }
        }
        if (wait < 0) {
            LOG.debug("Login without a checkable hash: not paid, no recent verification time known");
        } else if (!waiting.tryAcquire()) {
            LOG.debugf("Login without a checkable hash: not paid, %d requests wait already", MAX_WAITING);
        } else {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                waiting.release();
            }
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

    /** @return the median of the recent verification times, or -1 when too few are known or the last is too old */
    private synchronized long recentMedian() {
        if (sampleCount == 0 || clock.getAsLong() - lastSampleAt >= RECALIBRATE_NANOS) {
            return -1;
        }
        long[] known = java.util.Arrays.copyOf(samples, Math.min(sampleCount, SAMPLES));
        java.util.Arrays.sort(known);
        return known[known.length / 2];
    }

    /** @return whether one dummy verification ran (and its time is now the measurement) */
    private boolean measure() {
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
            LOG.debugf("Login without a checkable hash: paid one %s verification (%d ms)", scheme.id(),
                    TimeUnit.NANOSECONDS.toMillis(end - start));
            return true;
        } catch (VerificationBusyException e) {
            LOG.debugf("Login without a checkable hash: not measured, %s", e.getMessage());
            return false;
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
