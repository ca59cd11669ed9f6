package dev.appusers.keycloak.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.appusers.keycloak.deploy.MonitoringFiles.AlertRule;
import dev.appusers.keycloak.deploy.MonitoringFiles.PanelQuery;
import dev.appusers.keycloak.deploy.MonitoringFiles.VariableQuery;

/**
 * deploy/grafana: every query of the dashboard parses as PromQL ({@code promtool}), names only the provider's meters,
 * filters by the realm and component the viewer picks, and graphs each alert's own expression with the alert's
 * threshold, so the dashboard and the alert rules cannot drift apart.
 */
class GrafanaDashboardTest {

    private static final Pattern SERIES = Pattern.compile("\\b(app_users_[a-z0-9_]+)(\\{([^}]*)})?");

    /** The provider's series names {@code expr} mentions. */
    static Set<String> seriesNames(String expr) {
        Set<String> names = new HashSet<>();
        Matcher m = SERIES.matcher(expr);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /**
     * Every panel query and every variable's series selector, given to promtool as recording rules: promtool parses
     * each expression (as Grafana sends it with "All" selected) and refuses the file if one does not parse.
     */
    @Test
    void everyQueryParses(@TempDir Path dir) throws Exception {
        List<String> exprs = new ArrayList<>();
        MonitoringFiles.panelQueries().forEach(q -> exprs.add(q.forPrometheus()));
        MonitoringFiles.variableQueries().forEach(v -> exprs.add("count(" + v.selectorForPrometheus() + ")"));
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        for (int i = 0; i < exprs.size(); i++) {
            rules.append("      - record: dashboard:query_").append(i).append('\n')
                    .append("        expr: '").append(exprs.get(i).replace("'", "''")).append("'\n");
        }
        Path file = dir.resolve("dashboard-queries.yml");
        Files.writeString(file, rules);

        Promtool.Result check = Promtool.run("check", "rules", file.toString());

        assertThat(check.exit()).as("%s\n%s", check.output(), rules).isZero();
        assertThat(check.output()).contains("SUCCESS: " + exprs.size() + " rules found");
        assertThat(exprs).hasSizeGreaterThan(15);
    }

    /** The same check refuses a query that does not parse. */
    @Test
    void aQueryThatDoesNotParseIsRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broken.yml");
        Files.writeString(file, "groups:\n  - name: dashboard\n    rules:\n      - record: dashboard:query_0\n"
                + "        expr: 'sum by (realm (rate(app_users_db_failures_total[1m]))'\n");

        assertThat(Promtool.run("check", "rules", file.toString()).exit()).isNotZero();
    }

    /** The meter table of docs/operations.md, which the checks below go by, is there and lists the meters and kinds. */
    @Test
    void theOperationsPageListsTheProvidersMeters() {
        assertThat(ProviderMeters.METERS).hasSize(12)
                .containsEntry("app_users_db_available", ProviderMeters.Kind.GAUGE)
                .containsEntry("app_users_password_verifications_seconds", ProviderMeters.Kind.HISTOGRAM)
                .containsEntry("app_users_db_calls_seconds", ProviderMeters.Kind.TIMER)
                .containsEntry("app_users_hashing_slot_refusals_total", ProviderMeters.Kind.COUNTER);
        assertThat(ProviderMeters.SERVER_WIDE).containsExactlyInAnyOrder("app_users_hashing_slot_waits_seconds",
                "app_users_hashing_slot_refusals_total");
    }

    @Test
    void queriesNameOnlyTheProvidersMeters() {
        Set<String> used = new HashSet<>();
        for (PanelQuery query : MonitoringFiles.panelQueries()) {
            assertThat(seriesNames(query.expr())).as("%s: %s", query.panel(), query.expr()).isNotEmpty()
                    .isSubsetOf(ProviderMeters.series());
            seriesNames(query.expr()).forEach(s -> used.add(ProviderMeters.meterOf(s)));
        }
        for (VariableQuery variable : MonitoringFiles.variableQueries()) {
            assertThat(seriesNames(variable.selector())).as(variable.name()).isSubsetOf(ProviderMeters.series());
        }
        assertThat(used).as("every meter of the provider has a panel")
                .containsExactlyInAnyOrderElementsOf(ProviderMeters.METERS.keySet());
    }

    /** The viewer's realm and component apply to every meter that has them; the server-wide slot meters have none. */
    @Test
    void everyPanelFiltersByTheChosenRealmAndComponent() {
        for (PanelQuery query : MonitoringFiles.panelQueries()) {
            Matcher m = SERIES.matcher(query.expr());
            while (m.find()) {
                String meter = ProviderMeters.meterOf(m.group(1));
                String filter = m.group(3) == null ? "" : m.group(3);
                if (ProviderMeters.SERVER_WIDE.contains(meter)) {
                    assertThat(filter).as("%s: %s", query.panel(), m.group()).isEmpty();
                } else {
                    assertThat(filter).as("%s: %s", query.panel(), m.group()).isEqualTo(MonitoringFiles.FILTER);
                }
            }
        }
    }

    /**
     * Each alert's condition is one panel's query once the realm/component filter is taken out, and that panel names
     * the alert and draws its threshold.
     */
    @Test
    void everyAlertConditionIsAPanelWithTheAlertsThreshold() {
        List<JsonNode> panels = MonitoringFiles.panels();
        for (AlertRule rule : MonitoringFiles.alertRules()) {
            List<JsonNode> graphing = panels.stream().filter(p -> {
                for (JsonNode target : p.path("targets")) {
                    if (normalise(target.path("expr").asText().replace("{" + MonitoringFiles.FILTER + "}", ""))
                            .equals(normalise(rule.condition()))) {
                        return true;
                    }
                }
                return false;
            }).toList();

            assertThat(graphing).as("panels graphing %s: %s", rule.name(), rule.condition()).hasSize(1);
            JsonNode panel = graphing.get(0);
            assertThat(panel.path("description").asText()).as(rule.name()).contains("Alert " + rule.name() + " fires");
            List<Double> steps = new ArrayList<>();
            panel.at("/fieldConfig/defaults/thresholds/steps").forEach(s -> steps.add(s.path("value").isNull()
                    ? Double.NEGATIVE_INFINITY : s.path("value").asDouble()));
            if (rule.comparison().equals(">")) {
                // Grafana colours from a step's value up; the alert fires strictly above its threshold
                double below = rule.threshold() == 0 ? 0 : rule.threshold() - 0.5;
                assertThat(thresholdColour(panel, rule.threshold() + 0.5)).as("%s: above %s, steps %s", rule.name(),
                        rule.threshold(), steps).isEqualTo("red");
                assertThat(thresholdColour(panel, below)).as("%s: at %s, steps %s", rule.name(), below, steps)
                        .isNotEqualTo("red");
            } else {
                assertThat(rule.comparison()).isEqualTo("==");
                assertThat(thresholdColour(panel, rule.threshold())).as("%s: at %s, steps %s", rule.name(),
                        rule.threshold(), steps).isEqualTo("red");
                assertThat(thresholdColour(panel, rule.threshold() + 1)).as(rule.name()).isNotEqualTo("red");
            }
            assertThat(panel.at("/fieldConfig/defaults/custom/thresholdsStyle/mode").asText()).isNotEqualTo("off");
        }
    }

    /** The colour Grafana gives {@code value}: the last step whose value is at most {@code value}. */
    private static String thresholdColour(JsonNode panel, double value) {
        String colour = null;
        for (JsonNode step : panel.at("/fieldConfig/defaults/thresholds/steps")) {
            if (step.path("value").isNull() || step.path("value").asDouble() <= value) {
                colour = step.path("color").asText();
            }
        }
        return colour;
    }

    @Test
    void theDataSourceIsAVariableAndRealmAndComponentAreMultiValueWithAll() {
        JsonNode dashboard = MonitoringFiles.dashboard();
        JsonNode variables = dashboard.at("/templating/list");
        assertThat(variables.get(0).path("type").asText()).isEqualTo("datasource");
        assertThat(variables.get(0).path("query").asText()).isEqualTo("prometheus");
        String source = "${" + variables.get(0).path("name").asText() + "}";
        for (JsonNode panel : MonitoringFiles.panels()) {
            assertThat(panel.at("/datasource/uid").asText()).as(panel.path("title").asText()).isEqualTo(source);
            panel.path("targets").forEach(t -> assertThat(t.at("/datasource/uid").asText()).isEqualTo(source));
        }
        assertThat(MonitoringFiles.variableQueries()).extracting(VariableQuery::name, VariableQuery::label)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("realm", "realm"),
                        org.assertj.core.groups.Tuple.tuple("component", "component"));
        for (int i = 1; i < variables.size(); i++) {
            JsonNode variable = variables.get(i);
            assertThat(variable.path("multi").asBoolean()).isTrue();
            assertThat(variable.path("includeAll").asBoolean()).isTrue();
            assertThat(variable.path("allValue").asText()).as("what MonitoringFiles.grafanaAll puts").isEqualTo(".*");
            assertThat(variable.at("/datasource/uid").asText()).isEqualTo(source);
        }
        Set<String> ids = new HashSet<>();
        dashboard.path("panels").forEach(p -> assertThat(ids.add(p.path("id").asText())).as("unique panel ids")
                .isTrue());
    }

    private static String normalise(String expr) {
        return expr.replaceAll("\\s+", " ").replace("( ", "(").replace(" )", ")").strip();
    }
}
