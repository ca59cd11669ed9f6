package dev.appusers.keycloak.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One read of Keycloak's {@code /metrics} (management port), in Prometheus's text format, as an operator's Prometheus
 * scrapes it: samples by name and labels.
 */
public final class MetricsPage {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;

    private MetricsPage(List<Sample> samples) {
        this.samples = samples;
    }

    /** Reads the server's /metrics now; fails when it does not answer 200. */
    public static MetricsPage of(KeycloakServer server) {
        Http.Response response = Http.send(HttpClient.newHttpClient(),
                HttpRequest.newBuilder(URI.create(server.managementUrl() + "/metrics")).build());
        if (response.status() != 200) {
            throw new AssertionError("/metrics answered " + response.status() + ": " + response.body());
        }
        return parse(response.body());
    }

    static MetricsPage parse(String text) {
        List<Sample> parsed = text.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).map(line -> {
            Matcher m = SAMPLE.matcher(line);
            if (!m.find()) {
                throw new AssertionError("not a Prometheus sample: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            return new Sample(m.group(1), labels, Double.parseDouble(m.group(3)));
        }).toList();
        return new MetricsPage(parsed);
    }

    /** The samples whose name starts with {@code prefix}. */
    public List<Sample> startingWith(String prefix) {
        return samples.stream().filter(s -> s.name().startsWith(prefix)).toList();
    }

    /** The names of the samples starting with {@code prefix}. */
    public Set<String> names(String prefix) {
        return new TreeSet<>(startingWith(prefix).stream().map(Sample::name).toList());
    }

    /** The samples named {@code name} whose labels include {@code labels} (name, value, name, value...). */
    public List<Sample> find(String name, String... labels) {
        return samples.stream().filter(s -> s.name().equals(name) && matches(s, labels)).toList();
    }

    /** The sum of the samples {@link #find} gives (0 when there is none). */
    public double sum(String name, String... labels) {
        return find(name, labels).stream().mapToDouble(Sample::value).sum();
    }

    private static boolean matches(Sample sample, String... labels) {
        for (int i = 0; i + 1 < labels.length; i += 2) {
            if (!labels[i + 1].equals(sample.labels().get(labels[i]))) {
                return false;
            }
        }
        return true;
    }
}
