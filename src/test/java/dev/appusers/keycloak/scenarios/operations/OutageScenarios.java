package dev.appusers.keycloak.scenarios.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.LogHygiene;
import dev.appusers.keycloak.it.MetricsPage;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.it.TcpProxy;

/**
 * The app database goes away while Keycloak runs (every connection to it cut, new ones refused) and comes back:
 * Keycloak stays up and ready (its readiness and liveness stay UP, as the README's install steps and the recipes set
 * it up: {@link ItRealm#healthOptions}), local users and the admin console keep working, federated logins fail cleanly
 * and work again without a restart. PostgreSQL only: the cut is made in the test proxy between Keycloak and
 * PostgreSQL.
 */
@On.Postgres
@On.PostgresPrevious
@On.PostgresOldest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutageScenarios {

    ItRealm realm;
    TcpProxy database;
    String componentId;

    @BeforeAll
    void setUp() {
        realm = ItRealm.create(getClass());
        componentId = realm.admin.addFederation(realm.name, ItRealm.config());
        Http.Response local = realm.admin.post("/" + realm.name + "/users", Map.of("username", "local-admin",
                "email", "local-admin@keycloak.test", "firstName", "Local", "lastName", "Admin", "enabled", true,
                "credentials", List.of(Map.of("type", "password", "value", "Local-Secret-1", "temporary", false))));
        assertThat(local.status()).as(local.body()).isEqualTo(201);
        assertThat(realm.oidc.passwordGrant("alice@example.com", "alice-Secret-1").status()).isEqualTo(200);
        database = AppDb.postgresProxy();
    }

    @AfterAll
    void restore() {
        database.restore();
    }

    @Test
    void outageAndRecovery() {
        database.cut();
        try {
            long start = System.nanoTime();
            Http.Response federated = realm.oidc.passwordGrant("alice@example.com", "alice-Secret-1");
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertThat(federated.status()).as("federated login during the outage: %s", federated.body())
                    .isBetween(400, 499);
            assertThat(millis).as("no hang").isLessThan(30_000);
            assertThat(realm.oidc.passwordGrant("local-admin", "Local-Secret-1").status())
                    .as("local users still sign in").isEqualTo(200);
            Http.Response users = realm.admin.get("/" + realm.name + "/users?first=0&max=20");
            assertThat(users.status()).as("admin Users page during the outage: %s", users.body()).isBetween(200, 499);
            assertThat(realm.admin.get("/" + realm.name).status()).as("admin console").isEqualTo(200);
            assertThat(realm.log()).contains("The app database is unavailable");
            assertUp("/health/ready");
            assertUp("/health/live");
        } finally {
            database.restore();
        }

        assertThat(realm.oidc.passwordGrant("alice@example.com", "alice-Secret-1").status())
                .as("federated logins work again without a restart").isEqualTo(200);
        assertThat(busyConnections()).as("no connection left active or idle in a transaction").isZero();
    }

    @Test
    void saveSaysReadinessIsIndependentOfTheAppDatabaseAndNothingWarns() {
        String status = realm.admin.component(realm.name, componentId).path("config").path("readiness").path(0)
                .asText();

        assertThat(status).startsWith("independent of the app database: datasource appdb is left out");
        assertThat(realm.server.log()).doesNotContain("Keycloak's readiness follows the app database");
    }

    /** Where the app database's state is reported instead of readiness: the appdb pool's meters on /metrics. */
    @Test
    void theAppDatabasesPoolHasItsMetersOnTheManagementPort() {
        Http.Response metrics = Http.send(HttpClient.newHttpClient(),
                HttpRequest.newBuilder(URI.create(realm.server.managementUrl() + "/metrics")).build());

        assertThat(metrics.status()).as("/metrics").isEqualTo(200);
        assertThat(metrics.body().lines().filter(l -> l.startsWith("agroal_") && l.contains("datasource=\"appdb\"")))
                .as("agroal meters of the appdb datasource").isNotEmpty();
    }

    /**
     * The provider's own meters next to the pool's, on every Keycloak line: the sign-in of the set-up was timed, under
     * the names docs/operations.md lists, tagged with the realm and the component.
     */
    @Test
    void theProvidersMetersShowTheSignInsUnderTheContractsNames() {
        assertThat(realm.oidc.passwordGrant("alice@example.com", "alice-Secret-1").status()).isEqualTo(200);
        MetricsPage metrics = MetricsPage.of(realm.server);

        assertThat(metrics.sum("app_users_password_verifications_seconds_count", "realm", realm.name,
                "component", "app-users", "outcome", "match")).isGreaterThanOrEqualTo(2);
        assertThat(metrics.sum("app_users_db_calls_seconds_count", "realm", realm.name, "component", "app-users",
                "operation", "user_lookup")).isGreaterThanOrEqualTo(2);
        assertThat(metrics.find("app_users_db_available", "realm", realm.name)).isNotEmpty();
        assertThat(MetricsScenarios.CONTRACT).containsAll(metrics.names("app_users_"));
    }

    /** Keycloak's health answer on the management port is 200 and says UP, while the app database is cut. */
    private void assertUp(String path) {
        Http.Response health = Http.send(HttpClient.newHttpClient(),
                HttpRequest.newBuilder(URI.create(realm.server.managementUrl() + path)).build());
        assertThat(health.status()).as("%s during the outage: %s", path, health.body()).isEqualTo(200);
        assertThat(health.json().path("status").asText()).as("%s: %s", path, health.body()).isEqualTo("UP");
    }

    /** Keycloak's connections to the app database that are not idle, seen by PostgreSQL itself. */
    private long busyConnections() {
        try (var c = AppDb.POSTGRES.connect(AppDb.IT_DATABASE); var s = c.prepareStatement(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid() "
                        + "AND state IS NOT NULL AND state <> 'idle'")) {
            s.setString(1, AppDb.IT_DATABASE);
            try (var rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @org.junit.jupiter.api.AfterAll
    void logHoldsNoSecrets() {
        LogHygiene.assertNoSecretsIn(realm);
    }
}
