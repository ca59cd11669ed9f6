package dev.appusers.keycloak.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The provider's meters as the table of docs/operations.md lists them (section "The provider's meters"), and the series
 * each publishes on /metrics: what the alert rules and the dashboard may name. Timers publish {@code _count},
 * {@code _sum} and {@code _max}, histograms {@code _bucket} too. The meters the table marks server-wide (the hashing
 * slots) have no realm or component: queries do not filter them by either.
 */
final class ProviderMeters {

    static final Path TABLE = Path.of("docs/operations.md");
    private static final Pattern ROW = Pattern.compile("^\\| `(app_users_[a-z0-9_]+)` \\|([^|]+)\\|([^|]*)\\|");

    enum Kind {
        TIMER("_count", "_sum", "_max"),
        HISTOGRAM("_count", "_sum", "_max", "_bucket"),
        COUNTER(""),
        GAUGE("");

        final List<String> suffixes;

        Kind(String... suffixes) {
            this.suffixes = List.of(suffixes);
        }

        static Kind of(String type) {
            if (type.contains("histogram")) {
                return HISTOGRAM;
            }
            return valueOf(type.strip().toUpperCase(java.util.Locale.ROOT));
        }
    }

    static final Map<String, Kind> METERS = new LinkedHashMap<>();
    static final Set<String> SERVER_WIDE = new TreeSet<>();

    static {
        try {
            for (String line : Files.readAllLines(TABLE)) {
                Matcher row = ROW.matcher(line);
                if (row.find()) {
                    METERS.put(row.group(1), Kind.of(row.group(2)));
                    if (row.group(3).contains("server-wide")) {
                        SERVER_WIDE.add(row.group(1));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ProviderMeters() {
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
