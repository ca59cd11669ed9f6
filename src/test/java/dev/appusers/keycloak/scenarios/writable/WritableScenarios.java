package dev.appusers.keycloak.scenarios.writable;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.appusers.keycloak.it.AdminClient;
import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.AppPython;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.it.SeedUsers;

/**
 * WRITABLE mode, admin side: what an admin does to a user in Keycloak is written to the app's tables, in a form the app
 * accepts; and the hashes sign-ins rewrite ({@link HashUpgradeScenarios}, a class of its own for its size).
 */
@On.Postgres
@On.Mariadb
@On.MariadbDefaultCache
@On.PostgresPrevious
@On.PostgresOldest
class WritableScenarios extends HashUpgradeScenarios {

    @Override
    String fixtureName() {
        return "writable";
    }

    @Test
    void adminPasswordResetWritesLitestarUsersArgon2HashThatTheAppVerifies() {
        String dave = SeedUsers.user("dave@example.com").id();

        assertThat(resetPassword(realm.name, keycloakId("dave@example.com"), "Dave-New-Secret-9").status()).isEqualTo(204);

        String hash = (String) column(dave, "password_hash");
        assertThat(hash).startsWith("$argon2id$v=19$m=102400,t=2,p=8$");
        assertThat(AppPython.verifies("argon2", "Dave-New-Secret-9", hash)).isTrue();
        assertThat(AppPython.verifies("argon2", "dave-Secret-4", hash)).isFalse();
        assertThat(realm.oidc.passwordGrant("dave@example.com", "Dave-New-Secret-9").status()).isEqualTo(200);
        assertThat(realm.oidc.passwordGrant("dave@example.com", "dave-Secret-4").status()).isIn(OidcClient.REFUSED);
    }

    @Test
    void bcryptSchemeWritesPasslibsDefaultBcrypt() {
        String otherSchema = db().createFixtureSchema("writable_bcrypt");
        String other = realm.name + "_bcrypt";
        String id = otherRealm(other, writable(otherSchema, "passwordHashScheme", "bcrypt"));
        String erin = SeedUsers.user("erin@example.com").id();

        assertThat(resetPassword(other, "f:" + id + ":" + erin, "Erin-New-Secret-9").status()).isEqualTo(204);

        String hash;
        try (Connection c = db().connectTo(otherSchema); PreparedStatement s = c.prepareStatement(
                "SELECT password_hash FROM " + db().userTable() + " WHERE id = ?")) {
            s.setObject(1, db().idValue(UUID.fromString(erin)));
            ResultSet rs = s.executeQuery();
            rs.next();
            hash = rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        assertThat(hash).startsWith("$2b$12$");
        assertThat(AppPython.verifies("bcrypt", "Erin-New-Secret-9", hash)).isTrue();
        assertThat(new OidcClient(realm.server, other).passwordGrant("erin@example.com", "Erin-New-Secret-9").status())
                .isEqualTo(200);
    }

    @Test
    void passwordPolicyRefusesBeforeAnythingIsWritten() {
        String other = realm.name + "_policy";
        String id = otherRealm(other, writable(schema, "insertDefaults", "plan=basic"));
        AdminClient.expect(realm.admin.put("/" + other, Map.of("passwordPolicy", "length(20)")), 204, "password policy");
        String bob = SeedUsers.user("bob@example.com").id();
        Object before = column(bob, "password_hash");

        Http.Response refused = resetPassword(other, "f:" + id + ":" + bob, "short-1");
        Http.Response created = createUser(other, "policy-victim@example.com", "short-2");

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("invalidPasswordMinLengthMessage");
        assertThat(column(bob, "password_hash")).isEqualTo(before);
        assertThat(created.status()).as("creation with a refused password fails as a whole").isEqualTo(400);
        assertThat(count("SELECT COUNT(*) FROM " + db().userTable() + " WHERE email = 'policy-victim@example.com'"))
                .as("no partial user is left").isZero();
    }

    @Test
    void userCreatedInKeycloakIsInsertedAsTheAppWouldWriteIt() {
        Http.Response created = createUser(realm.name, "newbie@example.com", "Newbie-Secret-1");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String location = created.header("Location");
        String keycloakId = location.substring(location.lastIndexOf('/') + 1);
        assertThat(keycloakId).startsWith("f:" + componentId + ":");
        String appId = keycloakId.substring(keycloakId.lastIndexOf(':') + 1);
        assertThat(UUID.fromString(appId)).isNotNull();
        assertThat(column(appId, "email")).isEqualTo("newbie@example.com");
        assertThat(isTrue(column(appId, "is_active"))).isTrue();
        assertThat(isTrue(column(appId, "is_verified"))).isFalse();
        assertThat(column(appId, "plan")).isEqualTo("basic");
        String hash = (String) column(appId, "password_hash");
        assertThat(AppPython.verifies("argon2", "Newbie-Secret-1", hash)).isTrue();
        assertThat(realm.oidc.passwordGrant("newbie@example.com", "Newbie-Secret-1").status()).isEqualTo(200);
    }

    @Test
    void notNullColumnsWithoutADefaultAreNamedWhenSaving() {
        Http.Response response = realm.admin.createFederation(realm.name, "no-defaults", writable(schema));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errorMessage").asText())
                .contains("NOT NULL columns without a default that Keycloak cannot fill: plan")
                .contains("insertDefaults");
    }

    @Test
    void disablingAndEnablingWritesIsActive() {
        String erin = SeedUsers.user("erin@example.com").id();
        String carol = SeedUsers.user("carol@example.com").id();

        updateUser(keycloakId("erin@example.com"), u -> u.put("enabled", false));
        updateUser(keycloakId("carol@example.com"), u -> u.put("enabled", true));

        assertThat(isTrue(column(erin, "is_active"))).isFalse();
        assertThat(realm.oidc.passwordGrant("erin@example.com", "erin-Secret-5").json().get("error_description")
                .asText()).isEqualTo("Account disabled");
        assertThat(isTrue(column(carol, "is_active"))).isTrue();
        assertThat(realm.oidc.passwordGrant("carol@example.com", "carol-Secret-3").status()).isEqualTo(200);
    }

    @Test
    void verifiedEmailAndEmailChangesWriteTheirColumns() {
        String bob = SeedUsers.user("bob@example.com").id();

        updateUser(keycloakId("bob@example.com"), u -> u.put("emailVerified", true));
        updateUser(keycloakId("bob@example.com"), u -> u.put("email", "robert@example.com"));

        assertThat(isTrue(column(bob, "is_verified"))).isTrue();
        assertThat(column(bob, "email")).isEqualTo("robert@example.com");
        assertThat(realm.oidc.passwordGrant("robert@example.com", "bob-Secret-2").status()).isEqualTo(200);
    }

    @Test
    void duplicateEmailIsAClearConflictAndChangesNothing() {
        String dave = SeedUsers.user("dave@example.com").id();
        Object before = column(dave, "email");

        Http.Response response = updateUserResponse(keycloakId("dave@example.com"),
                u -> u.put("email", "erin@example.com"));

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.body()).containsIgnoringCase("email");
        assertThat(column(dave, "email")).isEqualTo(before);
    }

    @Test
    void attributeEditsWriteTheColumnAndBadValuesAreRefusedNamingTheType() {
        String erinKeycloak = keycloakId("erin@example.com");
        String erin = SeedUsers.user("erin@example.com").id();

        updateUser(erinKeycloak, u -> ((ObjectNode) u.with("attributes")).set("token_count",
                Http.JSON.valueToTree(List.of("43"))));
        Http.Response bad = updateUserResponse(erinKeycloak, u -> ((ObjectNode) u.with("attributes"))
                .set("token_count", Http.JSON.valueToTree(List.of("many"))));

        assertThat(((Number) column(erin, "token_count")).intValue()).isEqualTo(43);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).as("refused by the user profile, naming the attribute")
                .contains("\"field\":\"token_count\"").contains("error-invalid-number");
        assertThat(((Number) column(erin, "token_count")).intValue()).isEqualTo(43);
    }

    @Test
    void grantingAndRemovingAnAppRoleWritesUserRole() {
        String bobKeycloak = keycloakId("bob@example.com");
        String userRoles = "SELECT COUNT(*) FROM user_role WHERE user_id = "
                + (db() == AppDb.POSTGRES ? "'" + SeedUsers.user("bob@example.com").id() + "'"
                : "0x" + SeedUsers.user("bob@example.com").id().replace("-", ""));
        JsonNode admin = realm.admin.getJson("/" + realm.name + "/roles/admin");

        Http.Response granted = realm.admin.post("/" + realm.name + "/users/" + bobKeycloak + "/role-mappings/realm",
                List.of(admin));
        long afterGrant = count(userRoles);
        Http.Response again = realm.admin.post("/" + realm.name + "/users/" + bobKeycloak + "/role-mappings/realm",
                List.of(admin));
        long afterSecondGrant = count(userRoles);
        Http.Response removed = Http.send(java.net.http.HttpClient.newHttpClient(), Http.request(realm.server.baseUrl()
                        + "/admin/realms/" + realm.name + "/users/" + bobKeycloak + "/role-mappings/realm")
                .header("Authorization", "Bearer " + adminToken()).header("Content-Type", "application/json")
                .method("DELETE", java.net.http.HttpRequest.BodyPublishers.ofString(Http.json(List.of(admin)))).build());

        assertThat(granted.status()).as(granted.body()).isEqualTo(204);
        assertThat(again.status()).isEqualTo(204);
        assertThat(afterGrant).isEqualTo(2);
        assertThat(afterSecondGrant).as("no duplicate user_role row").isEqualTo(2);
        assertThat(removed.status()).as(removed.body()).isEqualTo(204);
        assertThat(count(userRoles)).isEqualTo(1);
    }

    @Test
    void grantingWritesUserRoleWithoutAnIdColumnOfItsOwn() {
        String otherSchema = db().createFixtureSchema("writable_noid");
        db().executeIn(otherSchema, db() == AppDb.POSTGRES
                ? "ALTER TABLE user_role DROP CONSTRAINT user_role_pkey;\nALTER TABLE user_role DROP COLUMN id;\n"
                        + "ALTER TABLE user_role ADD PRIMARY KEY (user_id, role_id);\n"
                : "ALTER TABLE user_role DROP PRIMARY KEY, DROP COLUMN id, ADD PRIMARY KEY (user_id, role_id);\n");
        String other = realm.name + "_noid";
        realm.admin.deleteIfPresent("/" + other);
        realm.admin.createRealm(other);
        String id = realm.admin.addFederation(other, writable(otherSchema));
        String bob = "/" + other + "/users/f:" + id + ":" + SeedUsers.user("bob@example.com").id() + "/role-mappings/realm";
        List<JsonNode> admin = List.of(realm.admin.getJson("/" + other + "/roles/admin"));
        OidcClient oidc = new OidcClient(realm.server, other);

        Http.Response granted = realm.admin.post(bob, admin);
        Http.Response again = realm.admin.post(bob, admin);
        List<String> rolesAfterGrant = Http.texts(oidc.accessTokenClaims("bob@example.com", "bob-Secret-2")
                .path("realm_access").path("roles"));
        Http.Response removed = Http.send(java.net.http.HttpClient.newHttpClient(), Http.request(realm.server.baseUrl()
                        + "/admin/realms" + bob).header("Authorization", "Bearer " + adminToken())
                .header("Content-Type", "application/json")
                .method("DELETE", java.net.http.HttpRequest.BodyPublishers.ofString(Http.json(admin))).build());

        assertThat(granted.status()).as(granted.body()).isEqualTo(204);
        assertThat(again.status()).as(again.body()).isEqualTo(204);
        assertThat(rolesAfterGrant).contains("admin", "editor");
        assertThat(removed.status()).as(removed.body()).isEqualTo(204);
        assertThat(Http.texts(oidc.accessTokenClaims("bob@example.com", "bob-Secret-2").path("realm_access")
                .path("roles"))).as("the grant lived in user_role only, not in Keycloak's own storage")
                .contains("editor").doesNotContain("admin");
    }

    @Test
    void deletingAUserDeletesItsRowAndUserRoleRows() {
        String alice = SeedUsers.user("alice@example.com").id();

        Http.Response deleted = realm.admin.delete("/" + realm.name + "/users/" + keycloakId("alice@example.com"));

        assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
        assertThat(column(alice, "email")).isNull();
        assertThat(count("SELECT COUNT(*) FROM user_role WHERE user_id = " + (db() == AppDb.POSTGRES
                ? "'" + alice + "'" : "0x" + alice.replace("-", "")))).isZero();
    }

    @Test
    void deletingIsRefusedUnlessDeleteEnabled() {
        String other = realm.name + "_nodelete";
        String id = otherRealm(other, writable(schema, "insertDefaults", "plan=basic",
                "deleteEnabled", "false"));
        String dave = SeedUsers.user("dave@example.com").id();

        Http.Response response = realm.admin.delete("/" + other + "/users/f:" + id + ":" + dave);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).contains("User couldn't be deleted");
        assertThat(realm.log()).contains("was not deleted: deleting it would delete the app's row")
                .contains("deleteEnabled");
        assertThat(column(dave, "email")).isNotNull();
        assertThat(realm.admin.get("/" + other + "/users/f:" + id + ":" + dave).status())
                .as("the app user is still there for Keycloak").isEqualTo(200);
    }

    @Test
    void readOnlyModeRefusesPasswordChanges() {
        String other = realm.name + "_ro";
        String id = otherRealm(other, ItRealm.config("dbSchema", schema));
        String carol = SeedUsers.user("carol@example.com").id();
        Object before = column(carol, "password_hash");

        Http.Response response = resetPassword(other, "f:" + id + ":" + carol, "Carol-New-Secret-9");

        assertThat(response.status()).isEqualTo(400);
        assertThat(column(carol, "password_hash")).isEqualTo(before);
    }
}
