package dev.appusers.keycloak.deploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The provider's meters as Prometheus shows them on Keycloak's /metrics (README, "Metrics"), and the series each
 * publishes: what the alert rules and the dashboard may name. Timers publish {@code _count}, {@code _sum} and
 * {@code _max}, histogram timers {@code _bucket} too. The hashing-slot meters are server-wide: queries do not filter
 * them by realm or component.
 */
final class ProviderMeters {

    enum Kind {
        TIMER("_count", "_sum", "_max"),
        HISTOGRAM("_count", "_sum", "_max", "_bucket"),
        COUNTER(""),
        GAUGE("");

        final List<String> suffixes;

        Kind(String... suffixes) {
            this.suffixes = List.of(suffixes);
        }
    }

    static final Map<String, Kind> METERS = meters();

    /** Meters shared by the whole server, whose realm/component tags queries must not depend on. */
    static final Set<String> SERVER_WIDE = Set.of("app_users_hashing_slot_waits_seconds",
            "app_users_hashing_slot_refusals_total");

    private ProviderMeters() {
    }

    private static Map<String, Kind> meters() {
        Map<String, Kind> meters = new LinkedHashMap<>();
        meters.put("app_users_db_calls_seconds", Kind.TIMER);
        meters.put("app_users_db_failures_total", Kind.COUNTER);
        meters.put("app_users_db_available", Kind.GAUGE);
        meters.put("app_users_password_verifications_seconds", Kind.HISTOGRAM);
        meters.put("app_users_hashing_slot_waits_seconds", Kind.TIMER);
        meters.put("app_users_hashing_slot_refusals_total", Kind.COUNTER);
        meters.put("app_users_unknown_user_waits_seconds", Kind.TIMER);
        meters.put("app_users_change_feed_evicted_users_total", Kind.COUNTER);
        meters.put("app_users_change_feed_lag_seconds", Kind.HISTOGRAM);
        meters.put("app_users_change_feed_last_poll_age_seconds", Kind.GAUGE);
        meters.put("app_users_sync_users_total", Kind.COUNTER);
        meters.put("app_users_sync_last_duration_seconds", Kind.GAUGE);
        return meters;
    }

    /** Every series name the meters publish. */
    static Set<String> series() {
        Set<String> series = new TreeSet<>();
        METERS.forEach((name, kind) -> kind.suffixes.forEach(suffix -> series.add(name + suffix)));
        return series;
    }

    /** The meter a series name belongs to, or null. */
    static String meterOf(String series) {
        for (Map.Entry<String, Kind> meter : METERS.entrySet()) {
            for (String suffix : meter.getValue().suffixes) {
                if (series.equals(meter.getKey() + suffix)) {
                    return meter.getKey();
                }
            }
        }
        return null;
    }
}
