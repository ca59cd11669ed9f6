package dev.appusers.keycloak.scenarios.writable;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.AppPython;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.it.SeedUsers;

/**
 * WRITABLE with import mode, as Keycloak's LDAP federation does it: the users are Keycloak's own copies, and what an
 * admin changes in Keycloak (fields, attributes, app roles, passwords, new and deleted users) goes to the app's tables
 * first, then to the copy; a write the app refuses changes neither side, and a full sync afterwards finds nothing to
 * do. One flow, in order, on one realm.
 */
@On.Postgres
@On.Mariadb
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImportWritableScenarios extends WritableFixture {

    @Override
    String fixtureName() {
        return "import_writable";
    }

    @Override
    Map<String, String> componentConfig() {
        return writable(schema, "insertDefaults", "plan=basic", "importEnabled", "true");
    }

    /** A constraint of the app's that Keycloak knows nothing of: token_count is unique. */
    @BeforeAll
    void uniqueTokenCount() {
        db().executeIn(schema, "CREATE UNIQUE INDEX token_count_unique ON " + db().userTable() + " (token_count);\n");
    }

    @Test
    @Order(1)
    void savingChecksWritesAsLiveWritableDoesAndAFullSyncImportsEveryUser() {
        Http.Response refused = realm.admin.createFederation(realm.name, "no-defaults", writable(schema,
                "importEnabled", "true"));
        JsonNode sync = sync();

        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.json().get("errorMessage").asText()).contains("NOT NULL columns without a default")
                .contains("plan");
        assertThat(sync.get("added").asInt()).as(sync.toString()).isEqualTo(SeedUsers.users().size() + 7);
        assertThat(sync.get("failed").asInt()).as(sync.toString()).isZero();
    }

    @Test
    @Order(2)
    void adminEditsOfEmailAndAttributeWriteTheAppRow() {
        String bob = SeedUsers.user("bob@example.com").id();
        String erin = SeedUsers.user("erin@example.com").id();

        updateUser(id("bob@example.com"), u -> u.put("email", "robert@example.com"));
        updateUser(id("erin@example.com"), u -> ((ObjectNode) u.with("attributes")).set("token_count",
                Http.JSON.valueToTree(List.of("43"))));

        assertThat(column(bob, "email")).isEqualTo("robert@example.com");
        assertThat(user("robert@example.com").get("email").asText()).isEqualTo("robert@example.com");
        assertThat(((Number) column(erin, "token_count")).intValue()).isEqualTo(43);
        assertThat(user("erin@example.com").at("/attributes/token_count/0").asText()).isEqualTo("43");
        assertThat(realm.oidc.passwordGrant("robert@example.com", "bob-Secret-2").status()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void grantingAndRemovingAnAppRoleWritesUserRoleAndTheToken() {
        String userRoles = "SELECT COUNT(*) FROM user_role WHERE user_id = " + idLiteral("bob@example.com");
        String mappings = "/" + realm.name + "/users/" + id("robert@example.com") + "/role-mappings/realm";
        List<JsonNode> admin = List.of(realm.admin.getJson("/" + realm.name + "/roles/admin"));

        Http.Response granted = realm.admin.post(mappings, admin);
        long afterGrant = count(userRoles);
        List<String> rolesAfterGrant = tokenRoles("robert@example.com", "bob-Secret-2");
        Http.Response removed = Http.send(java.net.http.HttpClient.newHttpClient(), Http.request(realm.server.baseUrl()
                        + "/admin/realms" + mappings).header("Authorization", "Bearer " + adminToken())
                .header("Content-Type", "application/json")
                .method("DELETE", java.net.http.HttpRequest.BodyPublishers.ofString(Http.json(admin))).build());

        assertThat(granted.status()).as(granted.body()).isEqualTo(204);
        assertThat(afterGrant).isEqualTo(2);
        assertThat(rolesAfterGrant).contains("admin", "editor");
        assertThat(removed.status()).as(removed.body()).isEqualTo(204);
        assertThat(count(userRoles)).isEqualTo(1);
        assertThat(tokenRoles("robert@example.com", "bob-Secret-2")).contains("editor").doesNotContain("admin");
    }

    @Test
    @Order(4)
    void adminPasswordResetWritesAHashTheAppVerifiesAndKeycloakSignsInWithIt() {
        String dave = SeedUsers.user("dave@example.com").id();

        Http.Response reset = resetPassword(realm.name, id("dave@example.com"), "Dave-New-Secret-9");

        assertThat(reset.status()).as(reset.body()).isEqualTo(204);
        String hash = (String) column(dave, "password_hash");
        assertThat(AppPython.verifies("argon2", "Dave-New-Secret-9", hash)).isTrue();
        assertThat(AppPython.verifies("argon2", "dave-Secret-4", hash)).isFalse();
        assertThat(realm.oidc.passwordGrant("dave@example.com", "Dave-New-Secret-9").status()).isEqualTo(200);
        assertThat(realm.oidc.passwordGrant("dave@example.com", "dave-Secret-4").status()).isIn(OidcClient.REFUSED);
    }

    @Test
    @Order(5)
    void aWriteTheAppRefusesIsAConflictAndChangesNeitherSide() {
        String mona = MONA.toString();

        Http.Response refused = updateUserResponse(id("mona@example.com"), u -> {
            u.put("email", "mona.new@example.com");
            ((ObjectNode) u.with("attributes")).set("token_count", Http.JSON.valueToTree(List.of("11"))); // nina's
        });

        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(column(mona, "email")).isEqualTo("mona@example.com");
        assertThat(((Number) column(mona, "token_count")).intValue()).isEqualTo(9);
        JsonNode user = user("mona@example.com");
        assertThat(user.get("email").asText()).isEqualTo("mona@example.com");
        assertThat(user.at("/attributes/token_count/0").asText()).isEqualTo("9");
        assertThat(realm.log()).contains("already exists in the app's table");
    }

    @Test
    @Order(6)
    void aUserCreatedInKeycloakIsInsertedIntoTheAppAndImported() {
        Http.Response created = createUser(realm.name, "newbie@example.com", "Newbie-Secret-1");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode imported = user("newbie@example.com");
        assertThat(imported.get("id").asText()).doesNotStartWith("f:");
        assertThat(imported.get("federationLink").asText()).isEqualTo(componentId);
        String hash = (String) columnWhere("password_hash", "newbie@example.com");
        assertThat(columnWhere("plan", "newbie@example.com")).isEqualTo("basic");
        assertThat(AppPython.verifies("argon2", "Newbie-Secret-1", hash)).isTrue();
        assertThat(realm.oidc.passwordGrant("newbie@example.com", "Newbie-Secret-1").status()).isEqualTo(200);
    }

    @Test
    @Order(7)
    void deletingAnImportedUserDeletesItsAppRowAndUserRoleRows() {
        String alice = SeedUsers.user("alice@example.com").id();

        Http.Response deleted = realm.admin.delete("/" + realm.name + "/users/" + id("alice@example.com"));

        assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
        assertThat(column(alice, "email")).isNull();
        assertThat(count("SELECT COUNT(*) FROM user_role WHERE user_id = " + idLiteral("alice@example.com"))).isZero();
        assertThat(realm.admin.getJson("/" + realm.name + "/users?exact=true&username=alice@example.com")).isEmpty();
    }

    @Test
    @Order(8)
    void aSignInRewritesTheOldAppHashAndKeycloakKeepsItsOwnCredentialOfThePassword() {
        String hank = HANK.toString();
        String before = (String) column(hank, "password_hash"); // bcrypt cost 10, imported as Keycloak's credential

        int wrong = realm.oidc.passwordGrant("hank@example.com", "dave-Secret-5").status();
        Object afterWrong = column(hank, "password_hash");
        int first = realm.oidc.passwordGrant("hank@example.com", "dave-Secret-4").status();
        String rewritten = (String) column(hank, "password_hash");
        int second = realm.oidc.passwordGrant("hank@example.com", "dave-Secret-4").status();

        assertThat(before).startsWith("$2y$10$");
        assertThat(wrong).isIn(OidcClient.REFUSED);
        assertThat(afterWrong).isEqualTo(before);
        assertThat(first).isEqualTo(200);
        assertThat(rewritten).startsWith("$argon2id$v=19$m=102400,t=2,p=8$");
        assertThat(AppPython.verifies("argon2", "dave-Secret-4", rewritten)).isTrue();
        assertThat(second).isEqualTo(200);
        assertThat(column(hank, "password_hash")).isEqualTo(rewritten);
        assertThat(passwordAlgorithm("hank@example.com")).as("Keycloak re-hashed its copy with its own algorithm")
                .doesNotStartWith("app-");
    }

    @Test
    @Order(9)
    void aFullSyncAfterwardsFindsNothingToChange() {
        JsonNode sync = sync();

        assertThat(sync.get("added").asInt()).as(sync.toString()).isZero();
        assertThat(sync.get("updated").asInt()).as(sync.toString()).isZero();
        assertThat(sync.get("removed").asInt()).as(sync.toString()).isZero();
        assertThat(sync.get("failed").asInt()).as(sync.toString()).isZero();
        assertThat(realm.oidc.passwordGrant("dave@example.com", "Dave-New-Secret-9").status())
                .as("the sync kept Keycloak's credential of the new password").isEqualTo(200);
        assertThat(passwordAlgorithm("hank@example.com")).as("and its credential of a rewritten app hash")
                .doesNotStartWith("app-");
    }

    /** The algorithm of the user's password credential in Keycloak ({@code app-<scheme>}: still the app's hash). */
    private String passwordAlgorithm(String username) {
        for (JsonNode credential : realm.admin.getJson("/" + realm.name + "/users/" + id(username) + "/credentials")) {
            if ("password".equals(credential.path("type").asText())) {
                try {
                    return Http.JSON.readTree(credential.path("credentialData").asText()).path("algorithm").asText();
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        throw new AssertionError(username + " has no password credential");
    }

    private JsonNode sync() {
        Http.Response response = realm.admin.post("/" + realm.name + "/user-storage/" + componentId
                + "/sync?action=triggerFullSync", "");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    private JsonNode user(String username) {
        JsonNode found = realm.admin.getJson("/" + realm.name + "/users?exact=true&username=" + Http.encode(username));
        assertThat(found).as("user " + username).hasSize(1);
        return found.get(0);
    }

    private String id(String username) {
        return user(username).get("id").asText();
    }

    private List<String> tokenRoles(String username, String password) {
        return Http.texts(realm.oidc.accessTokenClaims(username, password).path("realm_access").path("roles"));
    }

    private String idLiteral(String seedEmail) {
        String id = SeedUsers.user(seedEmail).id();
        return db() == AppDb.POSTGRES ? "'" + id + "'" : "0x" + id.replace("-", "");
    }

    private Object columnWhere(String column, String email) {
        try (var c = db().connectTo(schema); var s = c.prepareStatement("SELECT " + column + " FROM "
                + db().userTable() + " WHERE email = ?")) {
            s.setString(1, email);
            try (var rs = s.executeQuery()) {
                return rs.next() ? rs.getObject(1) : null;
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
