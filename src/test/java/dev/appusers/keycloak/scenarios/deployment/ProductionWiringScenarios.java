package dev.appusers.keycloak.scenarios.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.KeycloakOwnDatabase;
import dev.appusers.keycloak.it.LogHygiene;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.it.Target;

/**
 * Keycloak as an operator runs it: production mode, no transaction option, Keycloak's own database and the app's on
 * PostgreSQL with its defaults ({@code max_prepared_transactions = 0}). READ_ONLY needs nothing more (the other
 * ProductionPostgres* classes sign in, map roles and attributes, and list users there); what cannot work is refused
 * on Save with the reason, where the admin looks; and one Keycloak federates several apps through several named
 * datasources.
 */
@On.Production
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProductionWiringScenarios {

    ItRealm realm;

    @BeforeAll
    void setUp() {
        realm = ItRealm.create(getClass());
    }

    private Http.Response save(String... config) {
        return realm.admin.createFederation(realm.name, "app-users-" + UUID.randomUUID(), ItRealm.config(config));
    }

    private static String refusal(Http.Response response) {
        assertThat(response.status()).as(response.body()).isIn(OidcClient.REFUSED);
        return response.json().get("errorMessage").asText();
    }

    @Test
    void readOnlySavesWithKeycloaksDefaults() {
        assertThat(save().status()).as("READ_ONLY component on Keycloak's defaults").isEqualTo(201);
    }

    @Test
    void writableThatCannotCommitIsRefusedOnSaveWithTheCauseAndBothFixes() {
        String message = refusal(save("editMode", "WRITABLE"));

        assertThat(message).contains("max_prepared_transactions = 0", "transaction-xa-enabled-appdb=false",
                "transaction-xa-enabled=true", "READ_ONLY").doesNotContain("unknown_error");
    }

    @Test
    void unknownDatasourceIsRefusedNamingTheDatasourcesKeycloakHas() {
        String message = refusal(save("datasource", "nosuchdb"));

        assertThat(message).contains("no datasource named nosuchdb", "db-kind-nosuchdb", "appdb",
                KeycloakOwnDatabase.SECOND_APP, KeycloakOwnDatabase.LIMITED);
    }

    @Test
    void datasourceUserWithoutSelectOnAMappedTableIsRefusedNamingTableAndGrant() {
        String message = refusal(save("datasource", KeycloakOwnDatabase.LIMITED,
                "dbSchema", KeycloakOwnDatabase.LIMITED_SCHEMA));

        assertThat(message).contains("cannot read table", "role", "GRANT SELECT ON", KeycloakOwnDatabase.LIMITED_USER);
        assertThat(save("datasource", KeycloakOwnDatabase.LIMITED, "dbSchema", KeycloakOwnDatabase.LIMITED_SCHEMA,
                "rolesEnabled", "false").status()).as("the user table alone is readable").isEqualTo(201);
    }

    @Test
    void twoAppsOnTwoDatasourcesSignInTheirOwnUsersWithTheirOwnRoles() {
        AppDb.MARIADB.execute(KeycloakOwnDatabase.SECOND_APP_DATABASE,
                "DELETE FROM user_role;\nDELETE FROM user WHERE email <> 'dave@example.com';\n"
                        + "UPDATE user SET email = 'dave@shop.example' WHERE email = 'dave@example.com';\n");
        realm.admin.addFederation(realm.name, ItRealm.config("cachePolicy", "DEFAULT"));
        String shop = realm.admin.addFederation(realm.name, ItRealm.config("datasource",
                KeycloakOwnDatabase.SECOND_APP));
        AppDb.MARIADB.execute(KeycloakOwnDatabase.SECOND_APP_DATABASE, "INSERT INTO user_role (id, user_id, role_id) "
                + "SELECT UNHEX(REPLACE(UUID(), '-', '')), u.id, r.id FROM user u, `role` r "
                + "WHERE u.email = 'dave@shop.example' AND r.name = 'admin';\n");

        JsonNode alice = realm.oidc.accessTokenClaims("alice@example.com", "alice-Secret-1");
        JsonNode dave = realm.oidc.accessTokenClaims("dave@shop.example", "dave-Secret-4");

        assertThat(alice.at("/realm_access/roles").toString()).contains("admin", "editor");
        assertThat(dave.at("/realm_access/roles").toString()).contains("admin").doesNotContain("viewer", "editor");
        assertThat(dave.get("sub").asText()).startsWith("f:" + shop + ":");
        assertThat(realm.oidc.passwordGrant("dave@example.com", "dave-Secret-4").status())
                .as("the first app's dave signs in from the first app").isEqualTo(200);

        ItRealm other = ItRealm.create(OtherRealm.class);
        other.admin.addFederation(other.name, ItRealm.config("datasource", KeycloakOwnDatabase.SECOND_APP));
        assertThat(other.oidc.passwordGrant("dave@shop.example", "dave-Secret-4").status())
                .as("the second app in another realm").isEqualTo(200);
        assertThat(other.oidc.passwordGrant("alice@example.com", "alice-Secret-1").status())
                .as("the first app's users are not in the other realm").isIn(OidcClient.REFUSED);
    }

    /** Names the second realm of {@link #twoAppsOnTwoDatasourcesSignInTheirOwnUsersWithTheirOwnRoles}. */
    static final class OtherRealm {
    }

    @AfterAll
    void logHoldsNoSecrets() {
        LogHygiene.assertNoSecretsIn(realm);
    }

    /**
     * The realms go with the class: their components on {@code shopdb} and {@code limiteddb} would otherwise be in the
     * readiness warnings of the shared server's next start ({@code RestartScenarios} counts those of its own).
     */
    @AfterAll
    void deleteRealms() {
        realm.admin.deleteIfPresent("/" + realm.name);
        realm.admin.deleteIfPresent("/" + ItRealm.realmName(OtherRealm.class, Target.current()));
    }
}
