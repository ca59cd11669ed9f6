package dev.appusers.keycloak.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import dev.appusers.keycloak.password.PasswordScheme;
import dev.appusers.keycloak.password.PasswordSchemes;
import dev.appusers.keycloak.password.Verification;

/**
 * The meters of one component on a Micrometer registry, tagged with its realm's and its own name. Each meter is
 * registered the first time it records (a scheme no user has leaves no series) and remembered, so that
 * {@link #remove} takes every one of them off the registry when the component goes. Names are Micrometer's dotted
 * form; the Prometheus registry shows them as in docs/operations.md ({@code app_users.db.calls} as
 * {@code app_users_db_calls_seconds}).
 */
final class RegisteredMeters implements ComponentMeters {

    /** Buckets of the two histograms, so that Prometheus's histogram_quantile works on a fixed, small series set. */
    static final Duration[] BUCKETS = {Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private final MeterRegistry registry;
    private final Tags tags;
    final String realm;
    final String component;
    private final List<Meter> registered = new CopyOnWriteArrayList<>();
    /** by operation and outcome (success, failure) */
    private final AtomicReferenceArray<Timer> calls = new AtomicReferenceArray<>(DbOperation.values().length * 2);
    private final AtomicReferenceArray<Counter> failures = new AtomicReferenceArray<>(DbFailure.values().length);
    private final Map<String, Timer> verifications = new ConcurrentHashMap<>();
    private final AtomicReferenceArray<Timer> unknownUserWaits = new AtomicReferenceArray<>(2);
    private final AtomicReferenceArray<Counter> syncUsers = new AtomicReferenceArray<>(4);
    private final AtomicLong available = new AtomicLong(1);
    /** nanoTime of the feed's last successful read, or 0 while the feed has none (no poll age shown) */
    private final AtomicLong lastPoll = new AtomicLong();
    private final AtomicLong lastSyncNanos = new AtomicLong(-1);
    private volatile Counter evicted;
    private volatile Timer lag;
    private volatile Gauge pollAge;
    private volatile boolean syncGauge;

    RegisteredMeters(MeterRegistry registry, String realm, String component) {
        this.registry = registry;
        this.realm = realm;
        this.component = component;
        this.tags = Tags.of("realm", realm, "component", component);
        keep(Gauge.builder("app_users.db.available", available, AtomicLong::doubleValue).tags(tags)
                .description("1 while the component's last app-database call succeeded, 0 after it found the database "
                        + "unavailable or not answering in time").strongReference(true).register(registry));
    }

    @Override
    public boolean on() {
        return true;
    }

    @Override
    public void dbCall(DbOperation operation, long nanos, DbFailure failure) {
        int index = operation.ordinal() * 2 + (failure == null ? 0 : 1);
        Timer timer = calls.get(index);
        if (timer == null) {
            timer = keep(Timer.builder("app_users.db.calls").tags(tags).tag("operation", operation.tag())
                    .tag("outcome", failure == null ? "success" : "failure")
                    .description("Calls to the app database").register(registry));
            calls.set(index, timer);
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
        if (failure == null) {
            available.set(1);
        } else {
            failure(failure).increment();
            if (failure.unavailable()) {
                available.set(0);
            }
        }
    }

    @Override
    public void malformedRows(int count) {
        failure(DbFailure.MALFORMED_ROW).increment(count);
    }

    private Counter failure(DbFailure kind) {
        Counter counter = failures.get(kind.ordinal());
        if (counter == null) {
            counter = keep(Counter.builder("app_users.db.failures").tags(tags).tag("kind", kind.tag())
                    .description("Failed app-database calls, and rows that could not be read").register(registry));
            failures.set(kind.ordinal(), counter);
        }
        return counter;
    }

    @Override
    public void passwordChecked(String encodedHash, Verification outcome, long nanos) {
        String scheme = PasswordSchemes.defaults().forHash(encodedHash).map(PasswordScheme::id).orElse("unknown");
        String result = switch (outcome) {
            case MATCH -> "match";
            case MISMATCH -> "mismatch";
            case BUSY -> "busy";
            default -> "unverifiable";
        };
        verifications.computeIfAbsent(scheme + " " + result, key -> keep(
                Timer.builder("app_users.password.verifications").tags(tags).tag("scheme", scheme)
                        .tag("outcome", result).serviceLevelObjectives(BUCKETS)
                        .description("Password checks against the app's hashes").register(registry)))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void unknownUserWait(long nanos) {
        int index = nanos < 0 ? 1 : 0;
        Timer timer = unknownUserWaits.get(index);
        if (timer == null) {
            timer = keep(Timer.builder("app_users.unknown_user.waits").tags(tags)
                    .tag("outcome", nanos < 0 ? "skipped" : "waited")
                    .description("The wait charged to a sign-in with an unknown username").register(registry));
            unknownUserWaits.set(index, timer);
        }
        timer.record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    @Override
    public void feedPolled() {
        lastPoll.set(Math.max(1, System.nanoTime()));
        if (pollAge == null) {
            synchronized (this) {
                if (pollAge == null) {
                    pollAge = keep(Gauge.builder("app_users.change_feed.last_poll_age", lastPoll,
                                    RegisteredMeters::secondsSince).tags(tags).baseUnit("seconds")
                            .description("Seconds since the change feed last read its table").strongReference(true)
                            .register(registry));
                }
            }
        }
    }

    private static double secondsSince(AtomicLong nanoTime) {
        long then = nanoTime.get();
        return then == 0 ? Double.NaN : (System.nanoTime() - then) / 1e9;
    }

    @Override
    public synchronized void feedOff() {
        if (pollAge != null) {
            registry.remove(pollAge);
            registered.remove(pollAge);
            pollAge = null;
        }
        lastPoll.set(0);
    }

    @Override
    public void feedApplied(int changes, int evictedHere, long lagNanos) {
        if (evicted == null) {
            evicted = keep(Counter.builder("app_users.change_feed.evicted_users").tags(tags)
                    .description("Users evicted from Keycloak's cache by the change feed").register(registry));
            lag = keep(Timer.builder("app_users.change_feed.lag").tags(tags).serviceLevelObjectives(BUCKETS)
                    .description("From the app's commit (an upper bound) to the change feed's eviction")
                    .register(registry));
        }
        evicted.increment(Math.max(0, evictedHere));
        for (int i = 0; i < changes; i++) {
            lag.record(lagNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void synced(int added, int updated, int removed, int failed, long nanos) {
        syncUsers("added", 0).increment(added);
        syncUsers("updated", 1).increment(updated);
        syncUsers("removed", 2).increment(removed);
        syncUsers("failed", 3).increment(failed);
        lastSyncNanos.set(nanos);
        if (!syncGauge) {
            synchronized (this) {
                if (!syncGauge) {
                    keep(Gauge.builder("app_users.sync.last_duration", lastSyncNanos, n -> n.get() / 1e9).tags(tags)
                            .baseUnit("seconds").description("Duration of the component's last sync")
                            .strongReference(true).register(registry));
                    syncGauge = true;
                }
            }
        }
    }

    private Counter syncUsers(String result, int index) {
        Counter counter = syncUsers.get(index);
        if (counter == null) {
            counter = keep(Counter.builder("app_users.sync.users").tags(tags).tag("result", result)
                    .description("Users handled by syncs").register(registry));
            syncUsers.set(index, counter);
        }
        return counter;
    }

    private <M extends Meter> M keep(M meter) {
        registered.add(meter);
        return meter;
    }

    /** Takes every meter of the component off the registry. */
    void remove() {
        for (Meter meter : registered) {
            registry.remove(meter);
        }
        registered.clear();
    }
}
