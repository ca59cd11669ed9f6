package dev.appusers.keycloak.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The monitoring files in {@code deploy/} read as what the tests check: the alert rules of
 * {@code deploy/prometheus/app-users-alerts.yml} (each split into its condition and threshold) and the queries of
 * {@code deploy/grafana/app-users-dashboard.json}, with Grafana's variables replaced as Grafana does with "All"
 * selected, so a test can hand them to Prometheus. The unit tests and the integration test against a real Prometheus
 * share it.
 */
public final class MonitoringFiles {

    public static final Path RULES = Path.of("deploy/prometheus/app-users-alerts.yml");
    public static final Path RULE_TESTS = Path.of("deploy/prometheus/app-users-alerts.test.yml");
    public static final Path DASHBOARD = Path.of("deploy/grafana/app-users-dashboard.json");

    /** The filter the dashboard puts on every meter that carries realm and component tags. */
    public static final String FILTER = "realm=~\"$realm\", component=~\"$component\"";

    private static final Pattern COMPARISON = Pattern.compile("^(.+?)\\s+(==|!=|>=|<=|>|<)\\s+(-?[0-9.]+)$");
    private static final Pattern LABEL_VALUES = Pattern.compile("^label_values\\((.+),\\s*([a-z_]+)\\)$");

    private MonitoringFiles() {
    }

    /**
     * One alert rule.
     *
     * @param condition what the rule compares: its expression left of the comparison, what the dashboard graphs
     */
    public record AlertRule(String name, String expr, String condition, String comparison, double threshold,
                            String pendingFor, Map<String, String> labels, Map<String, String> annotations) {
    }

    /** One query of one dashboard panel, as written in the dashboard (with Grafana's variables). */
    public record PanelQuery(String panel, String refId, String expr, String description) {

        /** The query as Grafana sends it to Prometheus with "All" realms and components, over 1-minute rates. */
        public String forPrometheus() {
            return grafanaAll(expr).replace("$__rate_interval", "1m");
        }

        /** The query as Grafana sends it with one realm and one component selected, over 1-minute rates. */
        public String forPrometheus(String realm, String component) {
            return expr.replace("$realm", realm).replace("$component", component).replace("$__rate_interval", "1m");
        }
    }

    /** A template variable's {@code label_values(selector, label)} query. */
    public record VariableQuery(String name, String selector, String label) {

        /** The series selector as Grafana sends it with "All" selected in the variables it depends on. */
        public String selectorForPrometheus() {
            return grafanaAll(selector);
        }
    }

    /** What Grafana puts for a multi-value variable with "All" selected: the dashboard's {@code allValue}. */
    static String grafanaAll(String expr) {
        return expr.replace("$realm", ".*").replace("$component", ".*");
    }

    public static List<AlertRule> alertRules() {
        List<AlertRule> rules = new ArrayList<>();
        for (JsonNode group : read(new YAMLMapper(), RULES).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (!rule.has("alert")) {
                    continue;
                }
                String expr = rule.path("expr").asText().strip();
                Matcher m = COMPARISON.matcher(expr);
                if (!m.matches()) {
                    throw new AssertionError(rule.path("alert").asText() + ": no `<condition> <op> <number>`: " + expr);
                }
                rules.add(new AlertRule(rule.path("alert").asText(), expr, m.group(1), m.group(2),
                        Double.parseDouble(m.group(3)), rule.path("for").asText("0s"), strings(rule.path("labels")),
                        strings(rule.path("annotations"))));
            }
        }
        return rules;
    }

    public static JsonNode dashboard() {
        return read(new ObjectMapper(), DASHBOARD);
    }

    /** The queries of every panel (rows inside collapsed rows included). */
    public static List<PanelQuery> panelQueries() {
        List<PanelQuery> queries = new ArrayList<>();
        for (JsonNode panel : panels()) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(new PanelQuery(panel.path("title").asText(), target.path("refId").asText(),
                        target.path("expr").asText(), panel.path("description").asText()));
            }
        }
        return queries;
    }

    /** Every panel that is not a row, in order. */
    public static List<JsonNode> panels() {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard().path("panels")) {
            if (panel.path("type").asText().equals("row")) {
                panel.path("panels").forEach(panels::add);
            } else {
                panels.add(panel);
            }
        }
        return panels;
    }

    /** The template variables that query Prometheus ({@code label_values}). */
    public static List<VariableQuery> variableQueries() {
        List<VariableQuery> queries = new ArrayList<>();
        for (JsonNode variable : dashboard().path("templating").path("list")) {
            if (!variable.path("type").asText().equals("query")) {
                continue;
            }
            String query = variable.path("query").isObject() ? variable.path("query").path("query").asText()
                    : variable.path("query").asText();
            Matcher m = LABEL_VALUES.matcher(query.strip());
            if (!m.matches()) {
                throw new AssertionError("variable " + variable.path("name").asText() + ": not label_values: " + query);
            }
            queries.add(new VariableQuery(variable.path("name").asText(), m.group(1).strip(), m.group(2)));
        }
        return queries;
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> map = new LinkedHashMap<>();
        object.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    private static JsonNode read(ObjectMapper mapper, Path file) {
        try {
            return mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
