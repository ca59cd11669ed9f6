package dev.appusers.keycloak.scenarios.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import dev.appusers.keycloak.deploy.MonitoringFiles;
import dev.appusers.keycloak.deploy.MonitoringFiles.AlertRule;
import dev.appusers.keycloak.deploy.MonitoringFiles.PanelQuery;
import dev.appusers.keycloak.deploy.MonitoringFiles.VariableQuery;
import dev.appusers.keycloak.it.AdminClient;
import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.ChangeTableScript;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.LogHygiene;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.it.Prometheus;
import dev.appusers.keycloak.it.PrometheusGraphPage;
import dev.appusers.keycloak.it.PrometheusGraphPage.Graph;
import dev.appusers.keycloak.it.PrometheusGraphPage.Shot;
import dev.appusers.keycloak.it.TcpProxy;

/**
 * The alert rules and the dashboard of {@code deploy/} against a real Prometheus scraping a real Keycloak every
 * second, with the rules loaded as an operator loads them. One run, in {@link #run()}: sign-ins (right, wrong and
 * unknown), a change the feed evicts, a sync, then the app database cut (the test proxy) until Prometheus fires
 * AppUsersDatabaseUnavailable and AppUsersChangeFeedStalled, a change made meanwhile, and the database back. The
 * tests then ask Prometheus, at moments of that run, what each rule and each dashboard query said. PostgreSQL only:
 * the cut is made in the proxy between Keycloak and PostgreSQL.
 */
@On.Postgres
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertRulesScenarios {

    static final String COMPONENT = "alerts-feed";
    /** A component in import mode, in a realm of its own (its users are the same as the feed's): the sync meters. */
    static final String IMPORT_COMPONENT = "alerts-import";
    static final Duration OUTAGE_LIMIT = Duration.ofMinutes(3);

    ItRealm realm;
    String importRealm;
    String schema;
    TcpProxy database;
    Prometheus prometheus;
    Instant started;
    Instant cut;
    Instant restored;
    Instant recovered;

    @BeforeAll
    void run() throws Exception {
        realm = ItRealm.create(getClass());
        schema = AppDb.POSTGRES.createFixtureSchema("alerts");
        ChangeTableScript.install(AppDb.POSTGRES, schema);
        Http.Response created = realm.admin.createFederation(realm.name, COMPONENT,
                Map.of("cachePolicy", "DEFAULT", "dbSchema", schema));
        AdminClient.expect(created, 201, "component with a change feed");
        database = AppDb.postgresProxy();
        URI management = URI.create(realm.server.managementUrl());
        prometheus = Prometheus.scraping(management.getHost() + ":" + management.getPort(),
                List.of(MonitoringFiles.RULES));
        prometheus.await("up{job=\"keycloak\"}", r -> r.size() == 1 && r.get(0).at("/value/1").asText().equals("1"),
                Duration.ofSeconds(30), "Prometheus scrapes Keycloak");
        started = Instant.now();

        signIn("alice@example.com", "alice-Secret-1", 200);
        signIn("alice@example.com", "wrong-Secret-9", 400);
        signIn("nobody@example.com", "nobody-Secret-1", 400);
        signIn("dave@example.com", "dave-Secret-4", 200);
        signIn("alice@example.com", "alice-Secret-1", 200);
        updateUser("alice@example.com");
        prometheus.await(inRealm("app_users_change_feed_evicted_users_total"), r -> sum(r) >= 1, Duration.ofSeconds(30),
                "the feed evicts alice, changed in the app");
        syncIntoARealmOfItsOwn();
        Thread.sleep(3_000);

        cut = Instant.now();
        database.cut();
        try {
            updateUser("dave@example.com"); // cached, changed while the feed cannot read: evicted late, once it can
            long deadline = System.nanoTime() + OUTAGE_LIMIT.toNanos();
            while (System.nanoTime() < deadline && !(firing("AppUsersDatabaseUnavailable")
                    && firing("AppUsersChangeFeedStalled"))) {
                signIn("alice@example.com", "alice-Secret-1", 400);
                Thread.sleep(2_000);
            }
            Thread.sleep(3_000); // the firing state in Prometheus's ALERTS series for a few samples
        } finally {
            database.restore();
            restored = Instant.now();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (realm.oidc.passwordGrant("alice@example.com", "alice-Secret-1").status() != 200
                && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        prometheus.await(rule("AppUsersDatabaseUnavailable").expr(), r -> seriesOf(r).isEmpty(), Duration.ofSeconds(30),
                "the unavailable condition clears once the database is back");
        signIn("erin@example.com", "erin-Secret-5", 200);
        deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!firing("AppUsersChangeFeedLagHigh") && System.nanoTime() < deadline) {
            Thread.sleep(500); // dave's eviction, as late as the outage, reaches Prometheus
        }
        Thread.sleep(3_000);
        recovered = Instant.now();
        System.out.printf("%s: outage %d s, until both alerts fired; recovered %d s after the database came back%n",
                getClass().getSimpleName(), Duration.between(cut, restored).toSeconds(),
                Duration.between(restored, recovered).toSeconds());
    }

    /** An import-mode component in a second realm, synced once: the run's sync meters. */
    private void syncIntoARealmOfItsOwn() {
        importRealm = realm.name + "_import";
        realm.admin.deleteIfPresent("/" + importRealm);
        realm.admin.createRealm(importRealm);
        Http.Response created = realm.admin.createFederation(importRealm, IMPORT_COMPONENT, Map.of("cachePolicy",
                "DEFAULT", "importEnabled", "true", "dbSchema", AppDb.POSTGRES.createFixtureSchema("alertsimport")));
        AdminClient.expect(created, 201, "import-mode component");
        String id = created.header("Location").substring(created.header("Location").lastIndexOf('/') + 1);
        AdminClient.expect(realm.admin.post("/" + importRealm + "/user-storage/" + id + "/sync?action=triggerFullSync",
                ""), 200, "full sync");
    }

    @AfterAll
    void stop() {
        if (database != null) {
            database.restore();
        }
        if (prometheus != null) {
            prometheus.close();
        }
        realm.admin.deleteOk("/" + realm.name); // its feed polls no more into the next class's statements
        realm.admin.deleteOk("/" + importRealm);
    }

    @AfterAll
    void logHoldsNoSecrets() {
        LogHygiene.assertNoSecretsIn(realm);
    }

    @Test
    void theUnavailableAlertFiresDuringTheOutageAndNotBeforeOrAfter() {
        AlertRule rule = rule("AppUsersDatabaseUnavailable");

        assertThat(seriesOf(prometheus.result(rule.expr(), cut.minusSeconds(1)))).as("before the cut").isEmpty();
        assertThat(seriesOf(prometheus.result(rule.expr(), restored.minusSeconds(1)))).as("during the outage")
                .singleElement().satisfies(s -> assertThat(s.at("/value/1").asText()).isEqualTo("0"));
        assertThat(seriesOf(prometheus.result(rule.expr(), recovered))).as("after the outage").isEmpty();
        assertThat(seriesOf(prometheus.result(firingSeries(rule.name()), restored.minusSeconds(1))))
                .as("ALERTS firing at the end of the outage").hasSize(1);
        assertThat(alerts(rule.name())).as("alerts now, after the outage").isEmpty();
    }

    @Test
    void theStalledFeedAlertFiresDuringTheOutageAndNotAfter() {
        AlertRule rule = rule("AppUsersChangeFeedStalled");

        assertThat(seriesOf(prometheus.result(firingSeries(rule.name()), restored.minusSeconds(1))))
                .as("ALERTS firing at the end of the outage").hasSize(1);
        assertThat(seriesOf(prometheus.result(rule.expr(), recovered))).as("after the outage").isEmpty();
        assertThat(alerts(rule.name())).as("alerts now").isEmpty();
    }

    /** Dave, changed in the app while the feed could not read, was evicted once it could: as late as the outage. */
    @Test
    void aChangeMadeDuringTheOutageFiresTheChangeFeedLagAlertAfterIt() {
        AlertRule rule = rule("AppUsersChangeFeedLagHigh");

        assertThat(seriesOf(prometheus.result(rule.expr(), cut.minusSeconds(1)))).as("before the cut").isEmpty();
        assertThat(seriesOf(prometheus.result(rule.expr(), recovered))).as("after the outage").singleElement()
                .satisfies(s -> assertThat(s.at("/value/1").asDouble()).as("lag, s")
                        .isBetween(30.0, Duration.between(cut, recovered).toSeconds() + 1.0));
        assertThat(seriesOf(prometheus.result(firingSeries(rule.name()), recovered))).as("ALERTS firing after")
                .hasSize(1);
    }

    /** Every rule's expression evaluates at every moment of the run, and its condition returns the realm's series. */
    @Test
    void everyRuleExpressionEvaluates() {
        for (AlertRule rule : MonitoringFiles.alertRules()) {
            for (Instant at : List.of(cut.minusSeconds(1), restored.minusSeconds(1), recovered)) {
                prometheus.result(rule.expr(), at);
            }
            assertThat(prometheus.result(rule.condition(), recovered)).as("%s: %s", rule.name(), rule.condition())
                    .isNotEmpty();
        }
    }

    /**
     * Every dashboard query evaluates as Grafana sends it with "All" selected and with one realm and component
     * selected; each returns series for the feed's component or (the sync panels) the import-mode one. The refusal
     * counter is there at 0 from the start, so its queries return series too.
     */
    @Test
    void everyDashboardQueryEvaluatesAndShowsTheRunsComponents() {
        List<String> empty = new ArrayList<>();
        for (PanelQuery query : MonitoringFiles.panelQueries()) {
            prometheus.result(query.forPrometheus(), recovered);
            String feed = query.forPrometheus(realm.name, COMPONENT);
            String sync = query.forPrometheus(importRealm, IMPORT_COMPONENT);
            if (prometheus.result(feed, recovered).isEmpty() && prometheus.result(sync, recovered).isEmpty()) {
                empty.add(query.panel() + " " + query.refId() + ": " + feed);
            }
        }
        assertThat(empty).as("queries without series").isEmpty();
    }

    @Test
    void theDashboardVariablesListTheRealmAndTheComponent() {
        List<VariableQuery> variables = MonitoringFiles.variableQueries();
        assertThat(Http.texts(prometheus.labelValues(variables.get(0).label(),
                variables.get(0).selectorForPrometheus()).path("data"))).contains(realm.name, importRealm);
        assertThat(Http.texts(prometheus.labelValues(variables.get(1).label(),
                variables.get(1).selectorForPrometheus()).path("data"))).contains(COMPONENT, IMPORT_COMPONENT);
    }

    /**
     * Prometheus's own graph page over the run, in headless Chromium: whether the component's database is reachable,
     * how old the feed's last poll is, and the alerts. docs/images/prometheus-outage.png is a copy of the picture.
     */
    @Test
    void prometheusGraphsTheOutage() {
        String mine = "realm=\"" + realm.name + "\"";
        String alerts = "ALERTS{" + mine + ", alertname=~\"AppUsersDatabaseUnavailable|AppUsersChangeFeed.*\", ";
        List<Graph> graphs = List.of(
                new Graph("max by (realm, component) (app_users_db_available{" + mine + "})", false),
                new Graph("max by (realm, component) (app_users_change_feed_last_poll_age_seconds{" + mine + "})",
                        false),
                // one band per alert, stacked: 1 high while pending, 2 while firing
                new Graph("max without (alertstate, severity) (" + alerts + "alertstate=\"pending\"})"
                        + " or max without (alertstate, severity) (2 * " + alerts + "alertstate=\"firing\"})", true));
        Shot shot = PrometheusGraphPage.capture(prometheus, graphs, Duration.between(started, Instant.now())
                .plusSeconds(5), "AppUsersChangeFeedStalled", "prometheus-outage");

        assertThat(shot.legends()).contains("component=\"" + COMPONENT + "\"").contains("AppUsersDatabaseUnavailable");
        assertThat(shot.text()).doesNotContain("Error executing query");
        assertThat(shot.png()).isRegularFile();
    }

    private static AlertRule rule(String name) {
        return MonitoringFiles.alertRules().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    /** The series of {@code result} that belong to this class's realm (the shared server has others). */
    List<JsonNode> seriesOf(JsonNode result) {
        List<JsonNode> mine = new ArrayList<>();
        result.forEach(s -> {
            if (s.at("/metric/realm").asText().equals(realm.name)) {
                mine.add(s);
            }
        });
        return mine;
    }

    String inRealm(String metric) {
        return metric + "{realm=\"" + realm.name + "\", component=\"" + COMPONENT + "\"}";
    }

    static String firingSeries(String alert) {
        return "ALERTS{alertname=\"" + alert + "\", alertstate=\"firing\"}";
    }

    List<JsonNode> alerts(String name) {
        List<JsonNode> alerts = new ArrayList<>();
        prometheus.alerts().forEach(a -> {
            if (a.at("/labels/alertname").asText().equals(name) && a.at("/labels/realm").asText().equals(realm.name)) {
                alerts.add(a);
            }
        });
        return alerts;
    }

    boolean firing(String name) {
        return alerts(name).stream().anyMatch(a -> a.path("state").asText().equals("firing"));
    }

    static double sum(JsonNode result) {
        double sum = 0;
        for (JsonNode series : result) {
            sum += series.at("/value/1").asDouble();
        }
        return sum;
    }

    void signIn(String email, String password, int status) {
        AdminClient.expect(realm.oidc.passwordGrant(email, password), status, "sign-in of " + email);
    }

    /** Changes a user's row as the app would: the change table's trigger records it for the feed. */
    void updateUser(String email) throws SQLException {
        try (Connection c = AppDb.POSTGRES.connectTo(schema); PreparedStatement s = c.prepareStatement(
                "UPDATE \"user\" SET token_count = COALESCE(token_count, 0) + 1 WHERE email = ?")) {
            s.setString(1, email);
            assertThat(s.executeUpdate()).as(email).isEqualTo(1);
        }
    }
}
