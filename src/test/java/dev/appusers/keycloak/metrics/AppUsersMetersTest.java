package dev.appusers.keycloak.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.appusers.keycloak.password.SlotEvents;
import dev.appusers.keycloak.password.Verification;

/**
 * The provider's meters as an operator's registry sees them: nothing without metrics, bounded tags, one set of meters
 * per component that a rename replaces and a deletion removes. (Prometheus's names are checked on a real Keycloak:
 * MetricsScenarios.)
 */
class AppUsersMetersTest {

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final AppUsersMeters meters = new AppUsersMeters(registry);

    @AfterEach
    void stopSlotMeters() {
        SlotEvents.listen(null);
    }

    private List<Meter> appUsersMeters(MeterRegistry of) {
        return of.getMeters().stream().filter(m -> m.getId().getName().startsWith("app_users")).toList();
    }

    @Test
    void withoutMetricsNothingIsRegisteredAndRecordingDoesNothing() {
        assertThat(Metrics.globalRegistry.getRegistries()).as("a JVM without Keycloak's metrics").isEmpty();
        AppUsersMeters off = new AppUsersMeters(null);

        ComponentMeters component = off.of("realm", "id-1", "app");
        component.dbCall(DbOperation.USER_LOOKUP, 1_000, DbFailure.UNAVAILABLE);
        component.passwordChecked("$2b$12$abc", Verification.MATCH, 1_000);
        component.feedPolled();
        component.synced(1, 2, 3, 4, 5);

        assertThat(off.on()).isFalse();
        assertThat(component).isSameAs(ComponentMeters.NONE);
        assertThat(component.on()).isFalse();
        assertThat(appUsersMeters(Metrics.globalRegistry)).isEmpty();
    }

    @Test
    void switchedOffByTheOperatorNothingIsRegisteredThoughKeycloakHasMetrics() {
        AppUsersMeters switched = new AppUsersMeters(registry);
        switched.switchOff();

        ComponentMeters component = switched.of("realm", "id-1", "app");
        component.dbCall(DbOperation.USER_LOOKUP, 1_000, null);
        component.passwordChecked("$2b$12$abc", Verification.MATCH, 1_000);

        assertThat(switched.on()).isFalse();
        assertThat(component).isSameAs(ComponentMeters.NONE);
        assertThat(appUsersMeters(registry)).isEmpty();
    }

    @Test
    void databaseCallsAreTimedByOperationAndOutcomeAndFailuresCountedByKind() {
        ComponentMeters component = meters.of("acme", "id-1", "app users");

        component.dbCall(DbOperation.USER_LOOKUP, 2_000_000, null);
        component.dbCall(DbOperation.USER_LOOKUP, 3_000_000, DbFailure.TIMEOUT);
        component.malformedRows(2);

        Timer success = registry.get("app_users.db.calls").tags("realm", "acme", "component", "app users",
                "operation", "user_lookup", "outcome", "success").timer();
        assertThat(success.count()).isEqualTo(1);
        assertThat(success.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(2.0);
        assertThat(registry.get("app_users.db.calls").tags("outcome", "failure").timer().count()).isEqualTo(1);
        assertThat(registry.get("app_users.db.failures").tags("kind", "timeout").counter().count()).isEqualTo(1);
        assertThat(registry.get("app_users.db.failures").tags("kind", "malformed_row").counter().count()).isEqualTo(2);
        assertThat(registry.get("app_users.db.available").gauge().value()).as("after a timeout").isZero();

        component.dbCall(DbOperation.SEARCH, 1_000, null);
        assertThat(registry.get("app_users.db.available").gauge().value()).as("after a success").isEqualTo(1);
        component.dbCall(DbOperation.WRITE, 1_000, DbFailure.REFUSED);
        assertThat(registry.get("app_users.db.available").gauge().value()).as("a refusal is an answer").isEqualTo(1);
    }

    @Test
    void verificationsAreTaggedBySchemeAndOutcomeOnlyWithSloBuckets() {
        ComponentMeters component = meters.of("acme", "id-1", "app");

        component.passwordChecked("$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", Verification.MISMATCH, 1_000);
        component.passwordChecked("plain text", Verification.UNKNOWN_SCHEME, 1_000);
        component.passwordChecked(null, Verification.MALFORMED_HASH, 1_000);
        component.passwordChecked("$2b$12$x", Verification.BUSY, 1_000);

        List<String> series = registry.find("app_users.password.verifications").timers().stream()
                .map(t -> t.getId().getTag("scheme") + "/" + t.getId().getTag("outcome")).sorted().toList();
        assertThat(series).containsExactly("argon2/mismatch", "bcrypt/busy", "unknown/unverifiable");
        Timer argon2 = registry.get("app_users.password.verifications").tags("scheme", "argon2").timer();
        assertThat(argon2.takeSnapshot().histogramCounts()).as("the SLO buckets")
                .hasSize(RegisteredMeters.BUCKETS.length);
    }

    @Test
    void aRenamedComponentGetsNewMetersAndADeletedOneLeavesNone() {
        meters.of("acme", "id-1", "app").dbCall(DbOperation.COUNT, 1_000, null);
        meters.of("acme", "id-2", "other").dbCall(DbOperation.COUNT, 1_000, null);
        ComponentMeters again = meters.of("acme", "id-1", "app");
        again.dbCall(DbOperation.COUNT, 1_000, null);

        assertThat(registry.get("app_users.db.calls").tags("component", "app").timer().count())
                .as("the same meters, not a second set").isEqualTo(2);

        meters.of("acme", "id-1", "renamed").dbCall(DbOperation.COUNT, 1_000, null);
        assertThat(registry.find("app_users.db.calls").tags("component", "app").timers()).isEmpty();
        assertThat(registry.find("app_users.db.available").tags("component", "app").gauges()).isEmpty();
        assertThat(registry.get("app_users.db.calls").tags("component", "renamed").timer().count()).isEqualTo(1);

        meters.remove("id-1");
        assertThat(appUsersMeters(registry)).filteredOn(m -> m.getId().getTag("component") != null)
                .isNotEmpty().allMatch(m -> "other".equals(m.getId().getTag("component")));
        assertThat(meters.existing("id-1")).isSameAs(ComponentMeters.NONE);
    }

    @Test
    void theChangeFeedShowsEvictionsLagAndPollAgeUntilItIsOff() {
        ComponentMeters component = meters.of("acme", "id-1", "app");
        assertThat(registry.find("app_users.change_feed.last_poll_age").gauges()).as("no feed yet").isEmpty();

        component.feedPolled();
        component.feedApplied(3, 1, TimeUnit.MILLISECONDS.toNanos(1500));

        assertThat(registry.get("app_users.change_feed.evicted_users").counter().count()).isEqualTo(1);
        Timer lag = registry.get("app_users.change_feed.lag").timer();
        assertThat(lag.count()).as("one per changed user").isEqualTo(3);
        assertThat(lag.max(TimeUnit.MILLISECONDS)).isEqualTo(1500);
        assertThat(registry.get("app_users.change_feed.last_poll_age").gauge().value()).isBetween(0.0, 60.0);

        component.feedOff();
        assertThat(registry.find("app_users.change_feed.last_poll_age").gauges()).isEmpty();
    }

    @Test
    void aSyncCountsItsUsersAndKeepsItsDuration() {
        ComponentMeters component = meters.of("acme", "id-1", "app");

        component.synced(5, 2, 1, 0, TimeUnit.SECONDS.toNanos(3));
        component.synced(0, 1, 0, 1, TimeUnit.SECONDS.toNanos(2));

        assertThat(registry.get("app_users.sync.users").tags("result", "added").counter().count()).isEqualTo(5);
        assertThat(registry.get("app_users.sync.users").tags("result", "updated").counter().count()).isEqualTo(3);
        assertThat(registry.get("app_users.sync.users").tags("result", "removed").counter().count()).isEqualTo(1);
        assertThat(registry.get("app_users.sync.users").tags("result", "failed").counter().count()).isEqualTo(1);
        assertThat(registry.get("app_users.sync.last_duration").gauge().value()).isEqualTo(2.0);
    }

    @Test
    void unknownUserWaitsAreWaitedOrSkipped() {
        ComponentMeters component = meters.of("acme", "id-1", "app");

        component.unknownUserWait(TimeUnit.MILLISECONDS.toNanos(40));
        component.unknownUserWait(-1);

        assertThat(registry.get("app_users.unknown_user.waits").tags("outcome", "waited").timer()
                .totalTime(TimeUnit.MILLISECONDS)).isEqualTo(40);
        assertThat(registry.get("app_users.unknown_user.waits").tags("outcome", "skipped").timer().count())
                .isEqualTo(1);
    }

    @Test
    void hashingSlotMetersAreServerWideWithoutComponentTags() {
        assertThat(meters.on()).isTrue();

        assertThat(registry.get("app_users.hashing_slot.waits").timer().getId().getTags()).isEmpty();
        assertThat(registry.get("app_users.hashing_slot.refusals").counter().getId().getTags()).isEmpty();
    }
}
