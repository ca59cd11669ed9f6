package dev.appusers.keycloak.scenarios.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.LogHygiene;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.it.SeedUsers;
import dev.appusers.keycloak.it.SeedUsers.SeedUser;
import dev.appusers.keycloak.it.Target;

/**
 * Moving every user into Keycloak, as docs/migration.md says: import all users, sync once more
 * at cut-over, unlink them, remove the component, drop the app's tables. The admin edits nothing in the realm's user
 * profile: the provider's sync declares what the users need once unlinked. Every seed user then signs in with the
 * app's password (a direct grant, so a user Keycloak would send to "update profile" fails with "Account is not fully
 * set up"), keeps its app roles as ordinary role grants and its mapped attributes, visible to the admin, and is asked
 * for nothing (no reset, no required action). The realm's profile had one stricter declaration of its own before the
 * migration (a mapped attribute admins may view but not edit, and first names users may not edit): it stays as it
 * was, but for the first and last name requirement the app cannot meet.
 */
@On.Postgres
@On.Mariadb
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MigrationScenarios {

    /** The app database of the target this class runs on. */
    AppDb db() {
        return Target.current().db();
    }

    ItRealm realm;
    String schema;
    /** The realm's user profile after each step of the migration, by step. */
    final Map<String, JsonNode> profiles = new LinkedHashMap<>();

    @BeforeAll
    void migrate() {
        realm = ItRealm.create(getClass());
        schema = db().createFixtureSchema("migration");
        declareStricter();
        profiles.put("before", profile());
        // token_count twice: as the admin declared it, and as app_tokens, which nobody declared
        String componentId = realm.admin.addFederation(realm.name, ItRealm.config("dbSchema", schema,
                "importEnabled", "true", "userAttributeColumns", "token_count, token_count:app_tokens"));
        String base = "/" + realm.name + "/user-storage/" + componentId;

        Http.Response sync = realm.admin.post(base + "/sync?action=triggerFullSync", "");
        assertThat(sync.status()).as(sync.body()).isEqualTo(200);
        assertThat(sync.json().get("added").asInt()).as(sync.body()).isEqualTo(SeedUsers.users().size());
        assertThat(sync.json().get("failed").asInt()).as(sync.body()).isZero();
        profiles.put("sync", profile());
        Http.Response cutOver = realm.admin.post(base + "/sync?action=triggerFullSync", "");
        assertThat(cutOver.status()).as(cutOver.body()).isEqualTo(200);
        profiles.put("second sync", profile());
        for (String unlinkStep : List.of("unlink", "second unlink")) {
            Http.Response unlink = realm.admin.post(base + "/unlink-users", "");
            assertThat(unlink.status()).as(unlink.body()).isBetween(200, 299);
            profiles.put(unlinkStep, profile());
        }
        Http.Response removed = realm.admin.delete("/" + realm.name + "/components/" + componentId);
        assertThat(removed.status()).as(removed.body()).isBetween(200, 299);
        db().executeIn(schema, db() == AppDb.POSTGRES ? "DROP TABLE user_role, role, \"user\";\n"
                : "DROP TABLE user_role, `role`, user;\n");
    }

    @Test
    void theFirstSyncDeclaredWhatUnlinkedUsersNeedAndSaidSo() {
        JsonNode before = profiles.get("before");
        JsonNode synced = profiles.get("sync");
        JsonNode declared = attribute(synced, "app_tokens");
        assertThat(declared.at("/permissions/view")).containsExactly(Http.JSON.valueToTree("admin"));
        assertThat(declared.at("/permissions/edit")).containsExactly(Http.JSON.valueToTree("admin"));
        assertThat(declared.has("required")).isFalse();
        for (String name : List.of("firstName", "lastName")) {
            assertThat(attribute(before, name).has("required")).as(name).isTrue();
            assertThat(attribute(synced, name).has("required")).as(name).isFalse();
            // nothing else of the name changed: who may edit it, its validators
            ObjectNode expected = ((ObjectNode) attribute(before, name)).deepCopy();
            expected.remove("required");
            assertThat(attribute(synced, name)).as(name).isEqualTo(expected);
        }
        assertThat(attribute(synced, "token_count")).isEqualTo(attribute(before, "token_count"));
        assertThat(attribute(synced, "firstName").at("/permissions/edit"))
                .containsExactly(Http.JSON.valueToTree("admin"));
        assertThat(realm.log()).containsOnlyOnce("User profile of realm " + realm.name + ": declared app_tokens "
                + "(admins view and edit); made firstName and lastName optional (no column maps them), for the users "
                + "app-users imports, so that they keep them once unlinked");
    }

    @Test
    void laterSyncsAndUnlinksChangeNothingInTheProfile() {
        JsonNode synced = profiles.get("sync");
        assertThat(profiles.get("second sync")).isEqualTo(synced);
        assertThat(profiles.get("unlink")).isEqualTo(synced);
        assertThat(profiles.get("second unlink")).isEqualTo(synced);
        assertThat(profile()).isEqualTo(synced);
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
            Http.Response grant = realm.oidc.passwordGrant(seed.email(), seed.password());
            assertThat(grant.status()).as(grant.body()).isEqualTo(200);

            JsonNode claims = realm.oidc.accessTokenClaims(seed.email(), seed.password());

            List<String> roles = new ArrayList<>();
            claims.at("/realm_access/roles").forEach(r -> roles.add(r.asText()));
            assertThat(roles).as(seed.email()).containsAll(seed.roles());
            assertThat(realm.oidc.accessTokenClaims(seed.email(), seed.password()).get("email").asText())
                    .isEqualTo(seed.email());
        }
        JsonNode alice = user("alice@example.com");
        assertThat(alice.at("/attributes/token_count/0").asText()).isEqualTo("42");
        assertThat(alice.at("/attributes/app_tokens/0").asText()).isEqualTo("42");
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
     * The admin's own declarations before the migration, stricter than the provider's: {@code token_count} for
     * admins to view only, first name not editable by users.
     */
    private void declareStricter() {
        ObjectNode profile = (ObjectNode) profile();
        for (JsonNode attribute : profile.get("attributes")) {
            if (attribute.get("name").asText().equals("firstName")) {
                ((ObjectNode) attribute.get("permissions")).set("edit", Http.JSON.valueToTree(List.of("admin")));
            }
        }
        ((ArrayNode) profile.get("attributes")).add(Http.JSON.valueToTree(Map.of("name", "token_count",
                "permissions", Map.of("view", List.of("admin"), "edit", List.of()))));
        Http.Response declared = realm.admin.put("/" + realm.name + "/users/profile", profile);
        assertThat(declared.status()).as(declared.body()).isEqualTo(200);
    }

    private JsonNode profile() {
        return realm.admin.getJson("/" + realm.name + "/users/profile");
    }

    private static JsonNode attribute(JsonNode profile, String name) {
        for (JsonNode attribute : profile.get("attributes")) {
            if (attribute.get("name").asText().equals(name)) {
                return attribute;
            }
        }
        throw new AssertionError(name + " not declared in " + profile);
    }
}
