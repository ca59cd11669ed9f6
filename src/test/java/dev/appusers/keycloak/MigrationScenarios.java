package dev.appusers.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.appusers.keycloak.SeedUsers.SeedUser;
import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;

/**
 * Moving every user into Keycloak, as docs/migration.md says: import all users, unlink them,
 * remove the component, drop the app's tables. Every seed user then signs in with the app's password, keeps its app
 * roles as ordinary role grants and its mapped attribute, and is asked for nothing (no reset, no required action).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MigrationScenarios {

    abstract AppDb db();

    ItRealm realm;
    String schema;

    @BeforeAll
    void migrate() {
        realm = ItRealm.create(db(), getClass());
        schema = db().createFixtureSchema("migration");
        declare("token_count");
        String componentId = realm.admin.addFederation(realm.name, ItRealm.config("dbSchema", schema,
                "importEnabled", "true", "userAttributeColumns", "token_count"));
        String base = "/" + realm.name + "/user-storage/" + componentId;

        Http.Response sync = realm.admin.post(base + "/sync?action=triggerFullSync", "");
        assertThat(sync.status()).as(sync.body()).isEqualTo(200);
        assertThat(sync.json().get("added").asInt()).as(sync.body()).isEqualTo(SeedUsers.users().size());
        assertThat(sync.json().get("failed").asInt()).as(sync.body()).isZero();
        Http.Response unlink = realm.admin.post(base + "/unlink-users", "");
        assertThat(unlink.status()).as(unlink.body()).isBetween(200, 299);
        Http.Response removed = realm.admin.delete("/" + realm.name + "/components/" + componentId);
        assertThat(removed.status()).as(removed.body()).isBetween(200, 299);
        db().executeIn(schema, db() == AppDb.POSTGRES ? "DROP TABLE user_role, role, \"user\";\n"
                : "DROP TABLE user_role, `role`, user;\n");
    }

    @Test
    void everySeedUserSignsInWithTheAppsPasswordAndKeepsRolesAndAttributes() {
        for (SeedUser seed : SeedUsers.users()) {
            JsonNode user = user(seed.email());
            assertThat(user.has("federationLink")).as(seed.email()).isFalse();
            assertThat(user.get("requiredActions")).as(seed.email()).isEmpty();
            assertThat(user.get("enabled").asBoolean()).as(seed.email()).isEqualTo(seed.active());
            assertThat(user.get("emailVerified").asBoolean()).as(seed.email()).isEqualTo(seed.verified());
            if (!seed.active()) {
                assertThat(realm.oidc.passwordGrant(seed.email(), seed.password()).json().get("error_description")
                        .asText()).isEqualTo("Account disabled");
                continue;
            }
            assertThat(realm.oidc.passwordGrant(seed.email(), "wrong-" + seed.password()).status()).isNotEqualTo(200);

            JsonNode claims = realm.oidc.accessTokenClaims(seed.email(), seed.password());

            List<String> roles = new ArrayList<>();
            claims.at("/realm_access/roles").forEach(r -> roles.add(r.asText()));
            assertThat(roles).as(seed.email()).containsAll(seed.roles());
            assertThat(realm.oidc.accessTokenClaims(seed.email(), seed.password()).get("email").asText())
                    .isEqualTo(seed.email());
        }
        JsonNode alice = user("alice@example.com");
        assertThat(alice.at("/attributes/token_count/0").asText()).isEqualTo("42");
        JsonNode grants = realm.admin.getJson("/" + realm.name + "/users/" + alice.get("id").asText()
                + "/role-mappings/realm");
        List<String> names = new ArrayList<>();
        grants.forEach(role -> names.add(role.get("name").asText()));
        assertThat(names).contains("admin", "editor");
    }

    @AfterAll
    void logHoldsNoSecrets() {
        LogHygiene.assertNoSecretsIn(realm);
    }

    private JsonNode user(String username) {
        JsonNode found = realm.admin.getJson("/" + realm.name + "/users?exact=true&username="
                + URLEncoder.encode(username, StandardCharsets.UTF_8));
        assertThat(found).as("user " + username).hasSize(1);
        return found.get(0);
    }

    /**
     * Declares {@code name} in the realm's user profile, so it stays visible once no provider declares it, and makes
     * first and last name optional, as the provider did for its users (docs/migration.md, migration step 6).
     */
    private void declare(String name) {
        ObjectNode profile = (ObjectNode) realm.admin.getJson("/" + realm.name + "/users/profile");
        for (JsonNode attribute : profile.get("attributes")) {
            if (List.of("firstName", "lastName").contains(attribute.get("name").asText())) {
                ((ObjectNode) attribute).remove("required");
            }
        }
        ((ArrayNode) profile.get("attributes")).add(Http.JSON.valueToTree(Map.of("name", name,
                "permissions", Map.of("view", List.of("admin"), "edit", List.of("admin")))));
        Http.Response declared = realm.admin.put("/" + realm.name + "/users/profile", profile);
        assertThat(declared.status()).as(declared.body()).isEqualTo(200);
    }
}
