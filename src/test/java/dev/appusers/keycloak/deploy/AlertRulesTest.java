package dev.appusers.keycloak.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.appusers.keycloak.deploy.MonitoringFiles.AlertRule;

/**
 * deploy/prometheus: the alert rules pass {@code promtool check rules} and their unit tests ({@code promtool test
 * rules}, synthetic series), every alert is tested both firing and silent, and each tells an operator what is wrong
 * where and what to look at.
 */
class AlertRulesTest {

    static final List<String> ALERTS = List.of("AppUsersDatabaseUnavailable", "AppUsersChangeFeedLagHigh",
            "AppUsersChangeFeedStalled", "AppUsersPasswordVerificationSlow", "AppUsersHashingSlotRefusals");

    @Test
    void promtoolChecksTheRules() {
        Promtool.Result check = Promtool.run("check", "rules", MonitoringFiles.RULES.toString());

        assertThat(check.exit()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS: " + ALERTS.size() + " rules found");
        assertThat(MonitoringFiles.alertRules()).extracting(AlertRule::name).containsExactlyElementsOf(ALERTS);
    }

    @Test
    void theRulesUnitTestsPass() {
        Promtool.Result test = Promtool.run("test", "rules", MonitoringFiles.RULE_TESTS.toString());

        assertThat(test.exit()).as(test.output()).isZero();
        assertThat(test.output()).contains("SUCCESS");
    }

    /** The checks above can fail: promtool refuses a rule that does not parse, and a unit test whose alert differs. */
    @Test
    void promtoolRefusesABrokenRuleAndAWrongExpectation(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("broken.yml");
        Files.writeString(broken, Files.readString(MonitoringFiles.RULES)
                .replace("(app_users_db_available) == 0", "(app_users_db_available == 0"));
        Promtool.Result check = Promtool.run("check", "rules", broken.toString());
        assertThat(check.exit()).as(check.output()).isNotZero();
        assertThat(check.output()).contains("AppUsersDatabaseUnavailable");

        Files.copy(MonitoringFiles.RULES, dir.resolve("app-users-alerts.yml"));
        Path wrong = dir.resolve("wrong.test.yml");
        Files.writeString(wrong, Files.readString(MonitoringFiles.RULE_TESTS)
                .replace("{severity: critical, realm: shop, component: app-users}",
                        "{severity: warning, realm: shop, component: app-users}"));
        Promtool.Result test = Promtool.run("test", "rules", wrong.toString());
        assertThat(test.exit()).as(test.output()).isNotZero();
        assertThat(test.output()).contains("FAILED");
    }

    @Test
    void everyAlertIsUnitTestedFiringAndSilent() throws Exception {
        JsonNode tests = new YAMLMapper().readTree(MonitoringFiles.RULE_TESTS.toFile());
        Set<String> fires = new HashSet<>();
        Set<String> silent = new HashSet<>();
        for (JsonNode test : tests.path("tests")) {
            for (JsonNode expectation : test.path("alert_rule_test")) {
                String alert = expectation.path("alertname").asText();
                (expectation.path("exp_alerts").isEmpty() ? silent : fires).add(alert);
            }
        }

        assertThat(fires).as("alerts a unit test expects to fire").containsExactlyInAnyOrderElementsOf(ALERTS);
        assertThat(silent).as("alerts a unit test expects to stay silent").containsExactlyInAnyOrderElementsOf(ALERTS);
    }

    @Test
    void everyAlertHasASeverityAndTellsTheOperatorWhereAndWhatToLookAt() {
        for (AlertRule rule : MonitoringFiles.alertRules()) {
            assertThat(rule.labels().get("severity")).as(rule.name()).isIn("critical", "warning");
            assertThat(rule.annotations()).as(rule.name()).containsOnlyKeys("summary", "description");
            assertThat(rule.annotations().get("description")).as(rule.name()).contains("Look ").hasSizeGreaterThan(200);
            if (rule.expr().contains("by (realm, component)") || rule.expr().contains("by (le, realm, component)")) {
                assertThat(rule.annotations().values()).as(rule.name()).allSatisfy(text -> assertThat(text)
                        .contains("{{ $labels.realm }}").contains("{{ $labels.component }}"));
            }
        }
    }

    /** The hashing slots are server-wide: whether their meters carry realm/component tags must not matter. */
    @Test
    void slotRulesDoNotDependOnRealmOrComponentTags() {
        assertThat(MonitoringFiles.alertRules()).filteredOn(r -> r.expr().contains("app_users_hashing_slot_"))
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.expr()).doesNotContain("realm").doesNotContain("component"));
    }

    @Test
    void theRulesUseOnlyTheProvidersMeters() {
        for (AlertRule rule : MonitoringFiles.alertRules()) {
            assertThat(GrafanaDashboardTest.seriesNames(rule.expr())).as(rule.name()).isNotEmpty()
                    .isSubsetOf(ProviderMeters.series());
        }
    }
}
