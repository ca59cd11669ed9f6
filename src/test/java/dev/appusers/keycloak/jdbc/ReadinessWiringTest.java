package dev.appusers.keycloak.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.appusers.keycloak.jdbc.ReadinessWiring.Server;
import dev.appusers.keycloak.jdbc.ReadinessWiring.Status;

/**
 * The readiness status a component shows on Save, for each way a Keycloak can run: the fix it names is the one the
 * running Keycloak line has (an option on 26.7, a {@code quarkus.properties} line on 26.4 and 26.5). The real
 * servers' side (what Keycloak reports, readiness staying UP) is {@code OutageScenarios}' and {@code ConfigScenarios}'.
 */
class ReadinessWiringTest {

    @Test
    void aDatasourceLeftOutOfTheReadinessCheckIsIndependent() {
        Status status = ReadinessWiring.status("appdb", new Server(true, Optional.of(Set.of("appdb")), true));

        assertThat(status.followsAppDatabase()).isFalse();
        assertThat(status.text()).startsWith("independent of the app database: datasource appdb is left out");
    }

    @Test
    void onKeycloak267TheFixIsTheBuildOptionForThatDatasource() {
        Status status = ReadinessWiring.status("shop-db", new Server(true, Optional.of(Set.of("appdb")), true));

        assertThat(status.followsAppDatabase()).isTrue();
        assertThat(status.text()).startsWith("follows the app database: while datasource shop-db is unreachable")
                .contains("503 DOWN")
                .contains("db-health-exclude-shop-db=true").contains("KC_DB_HEALTH_EXCLUDE_SHOP_DB=true")
                .doesNotContain("quarkus.properties");
    }

    @Test
    void theWarningNamesTheDatasourceAndTheFixOnce() {
        Status status = ReadinessWiring.status("appdb", new Server(true, Optional.of(Set.of()), true));

        assertThat(ReadinessWiring.warning("appdb", status)).isEqualTo("Keycloak's readiness follows the app "
                + "database (datasource appdb): while datasource appdb is unreachable, Keycloak's /health/ready "
                + "answers 503 DOWN and a Kubernetes readiness probe takes every Keycloak pod out of service, local "
                + "users included. Set db-health-exclude-appdb=true (kc.sh build --db-health-exclude-appdb=true, or "
                + "KC_DB_HEALTH_EXCLUDE_APPDB=true; a build option), and restart (README, Install)");
    }

    @Test
    void onKeycloak264And265TheFixIsTheQuarkusPropertiesLine() {
        Status status = ReadinessWiring.status("appdb", new Server(true, Optional.of(Set.of()), false));

        assertThat(status.followsAppDatabase()).isTrue();
        assertThat(status.text()).contains("quarkus.datasource.\"appdb\".health-exclude=true in conf/quarkus.properties")
                .doesNotContain("db-health-exclude-appdb");
    }

    @Test
    void withoutHealthEndpointsThereIsNoReadinessToFollow() {
        Status status = ReadinessWiring.status("appdb", new Server(false, Optional.of(Set.of()), true));

        assertThat(status.followsAppDatabase()).isFalse();
        assertThat(status.text()).startsWith("no readiness check");
    }

    @Test
    void whenKeycloakDoesNotSayTheStatusIsUnknownAndStillNamesTheFix() {
        Status status = ReadinessWiring.status("appdb", new Server(true, Optional.empty(), true));

        assertThat(status.followsAppDatabase()).isFalse();
        assertThat(status.text()).startsWith("unknown").contains("db-health-exclude-appdb=true");
    }
}
