package dev.appusers.keycloak.scenarios.operations;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.LogHygiene;
import dev.appusers.keycloak.it.MetricsPage;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.metrics.AppUsersMeters;

/**
 * Keycloak with its metrics on and the provider's meters switched off by the operator
 * ({@code --spi-storage--app-users--metrics-enabled=false}, as the suite's MariaDB server runs): Keycloak's own meters
 * are served, the provider registers none while its users sign in and fail to, and the start says so once.
 */
@On.Mariadb
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetersOffScenarios {

    ItRealm realm;

    @BeforeAll
    void setUp() {
        realm = ItRealm.create(getClass());
        realm.admin.addFederation(realm.name, ItRealm.config());
    }

    @AfterAll
    void logHoldsNoSecrets() {
        LogHygiene.assertNoSecretsIn(realm);
    }

    @Test
    void keycloaksMetersAreServedAndTheProvidersAreNot() {
        assertThat(realm.oidc.passwordGrant("alice@example.com", "alice-Secret-1").status()).isEqualTo(200);
        assertThat(realm.oidc.passwordGrant("alice@example.com", "not-hers").status()).isIn(OidcClient.REFUSED);
        assertThat(realm.oidc.passwordGrant("nobody@example.com", "whatever").status()).isIn(OidcClient.REFUSED);

        MetricsPage page = MetricsPage.of(realm.server);

        assertThat(page.names("jvm_")).as("Keycloak's own meters").isNotEmpty();
        assertThat(page.names("agroal_")).as("Keycloak's pool meters, the app datasource's too").isNotEmpty();
        assertThat(page.names("app_users_")).as("the provider's meters, switched off").isEmpty();
    }

    @Test
    void theStartSaysOnceThatTheProvidersMetersAreOff() {
        assertThat(realm.server.log().lines().filter(l -> l.contains("app-users provider's meters are off")))
                .hasSize(1)
                .allSatisfy(l -> assertThat(l).contains("INFO").contains(AppUsersMeters.OPTION + "=false"));
    }
}
