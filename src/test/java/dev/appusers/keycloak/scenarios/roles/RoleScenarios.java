package dev.appusers.keycloak.scenarios.roles;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.LogHygiene;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.it.SeedUsers;
import dev.appusers.keycloak.it.SeedUsers.SeedUser;
import dev.appusers.keycloak.it.Target;

/** The app's role and user_role tables become Keycloak roles in tokens, in the admin console and in role queries. */
@On.Postgres
@On.Mariadb
@On.MariadbDefaultCache
@On.PostgresPrevious
@On.PostgresOldest
@On.ProductionDefaultCache
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoleScenarios {

    /** The app database of the target this class runs on. */
    AppDb db() {
        return Target.current().db();
    }

    /** An app user without app roles, with dave's password (hashes.json sample 3). */
    static final UUID FRANK = UUID.fromString("3f0c1b4e-9a2d-4c7e-8f10-2b3c4d5e6f70");

    ItRealm realm;
    String schema;
    String componentId;

    @BeforeAll
    void setUp() {
        realm = ItRealm.create(getClass());
        schema = db().createFixtureSchema("roles");
        db().lightenSeedHashes(schema);
        db().insertUser(schema, FRANK, "frank@example.com", SeedUsers.hashes().get(3).hash(), true, true);
        // a Keycloak role that exists before the app's role of the same name
        AdminClientSupport.createRealmRole(realm, "editor", "Keycloak's own editor role");
        componentId = realm.admin.addFederation(realm.name, ItRealm.config("dbSchema", schema));
    }

    Set<String> defaultRoles() {
        return Set.of("offline_access", "uma_authorization");
    }

    List<String> realmRoles(String email, String password) {
        List<String> roles = roles(realm.oidc.accessTokenClaims(email, password));
        roles.removeAll(defaultRoles());
        return roles;
    }

    List<SeedUser> activeUsers() {
        return SeedUsers.users().stream().filter(SeedUser::active)
                .filter(u -> !u.email().equals("dave@example.com")).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("activeUsers")
    void tokenCarriesExactlyTheUsersAppRoles(SeedUser user) {
        assertThat(realmRoles(user.email(), user.password())).containsExactlyInAnyOrderElementsOf(user.roles());
    }

    @Test
    void keycloakDefaultRolesStillApply() {
        List<String> roles = roles(realm.oidc.accessTokenClaims("erin@example.com", "erin-Secret-5"));

        assertThat(roles).containsAll(defaultRoles());
    }

    @Test
    void everyAppRoleIsAKeycloakRoleWithItsDescriptionMarkedAsTheComponents() {
        JsonNode admin = realm.admin.getJson("/" + realm.name + "/roles/admin");

        assertThat(admin.get("description").asText()).isEqualTo("Administrators");
        JsonNode attributes = realm.admin.getJson("/" + realm.name + "/roles-by-id/" + admin.get("id").asText())
                .get("attributes");
        assertThat(attributes.get("app-users.component").get(0).asText()).isEqualTo(componentId);
        assertThat(realm.admin.get("/" + realm.name + "/roles/viewer").status()).isEqualTo(200);
    }

    @Test
    void keycloakRoleWithAnAppRolesNameIsSharedButLeftAsItWas() {
        JsonNode editor = realm.admin.getJson("/" + realm.name + "/roles/editor");

        assertThat(editor.get("description").asText()).isEqualTo("Keycloak's own editor role");
        assertThat(realmRoles("bob@example.com", "bob-Secret-2")).containsExactly("editor");
    }

    @Test
    void roleMappingTabShowsTheAppRoles() {
        String alice = "f:" + componentId + ":" + SeedUsers.user("alice@example.com").id();
        List<String> names = Http.texts(realm.admin.getJson("/" + realm.name + "/users/" + alice
                + "/role-mappings/realm"), "name");

        assertThat(names).contains("admin", "editor");
    }

    @Test
    void usersInRoleAreTheAppsMembersPaged() {
        List<String> members = Http.texts(realm.admin.getJson("/" + realm.name + "/roles/editor/users?first=0&max=10"), "username");
        List<String> firstPage = Http.texts(realm.admin.getJson("/" + realm.name + "/roles/editor/users?first=0&max=1"), "username");

        assertThat(members).containsExactlyInAnyOrder("alice@example.com", "bob@example.com");
        assertThat(firstPage).hasSize(1);
    }

    @Test
    void roleAddedInTheAppDatabaseShowsInTheNextToken() {
        SeedUser dave = SeedUsers.user("dave@example.com");
        assertThat(realmRoles(dave.email(), dave.password())).containsExactly("viewer");

        grantInApp(dave.id(), "6fe5f665-708b-5494-8707-30fdc7132caf"); // admin

        assertThat(realmRoles(dave.email(), dave.password())).containsExactlyInAnyOrder("viewer", "admin");
    }

    @Test
    void grantingAnAppRoleInKeycloakIsRefusedInReadOnlyMode() {
        String erin = "f:" + componentId + ":" + SeedUsers.user("erin@example.com").id();
        JsonNode admin = realm.admin.getJson("/" + realm.name + "/roles/admin");

        Http.Response response = realm.admin.post("/" + realm.name + "/users/" + erin + "/role-mappings/realm",
                List.of(admin));

        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().get("error_description").asText()).isEqualTo("Could not add user role mappings!");
        assertThat(realm.log()).contains("Role admin comes from the app's user_role table: grant it in the app");
        assertThat(realmRoles("erin@example.com", "erin-Secret-5")).isEmpty();
    }

    @Test
    void keycloakOnlyRolesCanBeGrantedToAppUsers() {
        String frank = "f:" + componentId + ":" + FRANK;
        JsonNode role = AdminClientSupport.createRealmRole(realm, "kc-auditor", "granted in Keycloak");

        AdminClientSupport.expect(realm.admin.post("/" + realm.name + "/users/" + frank + "/role-mappings/realm",
                List.of(role)), 204);

        assertThat(realmRoles("frank@example.com", "dave-Secret-4")).containsExactly("kc-auditor");
    }

    @Test
    void appRolesCanBeTheRolesOfAClient() {
        String clientRealm = realm.name + "_client";
        realm.admin.deleteIfPresent("/" + clientRealm);
        realm.admin.createRealm(clientRealm);
        realm.admin.addFederation(clientRealm, ItRealm.config("dbSchema", schema, "roleClientId", "demo-app"));

        JsonNode claims = new OidcClient(realm.server, clientRealm).accessTokenClaims("bob@example.com", "bob-Secret-2");

        assertThat(Http.texts(claims.path("resource_access").path("demo-app").path("roles")))
                .containsExactly("editor");
        assertThat(roles(claims)).doesNotContain("editor", "admin", "viewer");
    }

    @Test
    void unknownRoleClientIsRefusedOnSave() {
        Http.Response response = realm.admin.createFederation(realm.name, "bad-client",
                ItRealm.config("dbSchema", schema, "roleClientId", "no-such-client"));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errorMessage").asText())
                .contains("roleClientId: client no-such-client not found in realm");
    }

    @Test
    void roleMappingCanBeSwitchedOff() {
        String offRealm = realm.name + "_off";
        realm.admin.deleteIfPresent("/" + offRealm);
        realm.admin.createRealm(offRealm);
        realm.admin.addFederation(offRealm, ItRealm.config("dbSchema", schema, "rolesEnabled", "false"));

        JsonNode claims = new OidcClient(realm.server, offRealm).accessTokenClaims("bob@example.com", "bob-Secret-2");

        assertThat(roles(claims)).doesNotContain("editor");
        assertThat(realm.admin.get("/" + offRealm + "/roles/admin").status()).isEqualTo(404);
    }

    @Test
    void roleTheAppRenamesStopsGrantingAndItsOldKeycloakRoleGoesOnTheNextSave() {
        String renameSchema = db().createFixtureSchema("roles_rn");
        db().lightenSeedHashes(renameSchema);
        String renameRealm = realm.name + "_rename";
        realm.admin.deleteIfPresent("/" + renameRealm);
        realm.admin.createRealm(renameRealm);
        String id = realm.admin.addFederation(renameRealm, ItRealm.config("dbSchema", renameSchema));
        OidcClient oidc = new OidcClient(realm.server, renameRealm);
        assertThat(roles(oidc.accessTokenClaims("dave@example.com", "dave-Secret-4"))).contains("viewer");

        db().executeIn(renameSchema, "UPDATE " + (db() == AppDb.MARIADB ? "`role`" : "role")
                + " SET name = 'reader' WHERE name = 'viewer';\n");

        assertThat(roles(oidc.accessTokenClaims("dave@example.com", "dave-Secret-4"))).contains("reader")
                .doesNotContain("viewer");
        JsonNode component = realm.admin.component(renameRealm, id);
        AdminClientSupport.expect(realm.admin.put("/" + renameRealm + "/components/" + id, component), 204);
        assertThat(realm.admin.get("/" + renameRealm + "/roles/viewer").status()).isEqualTo(404);
        assertThat(realm.admin.get("/" + renameRealm + "/roles/reader").status()).isEqualTo(200);
    }

    /** The realm roles of a token. */
    private static List<String> roles(JsonNode claims) {
        return Http.texts(claims.path("realm_access").path("roles"));
    }

    private void grantInApp(String userId, String roleId) {
        try (var c = db().connectTo(schema); var s = c.prepareStatement(
                "INSERT INTO user_role (id, user_id, role_id) VALUES (?, ?, ?)")) {
            s.setObject(1, db().idValue(UUID.randomUUID()));
            s.setObject(2, db().idValue(UUID.fromString(userId)));
            s.setObject(3, db().idValue(UUID.fromString(roleId)));
            s.executeUpdate();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Small admin helpers used by the role scenarios. */
    static final class AdminClientSupport {
        static JsonNode createRealmRole(ItRealm realm, String name, String description) {
            expect(realm.admin.post("/" + realm.name + "/roles", Map.of("name", name, "description", description)), 201);
            return realm.admin.getJson("/" + realm.name + "/roles/" + name);
        }

        static void expect(Http.Response response, int status) {
            assertThat(response.status()).as(response.body()).isEqualTo(status);
        }
    }

    @org.junit.jupiter.api.AfterAll
    void logHoldsNoSecrets() {
        LogHygiene.assertNoSecretsIn(realm);
    }
}
