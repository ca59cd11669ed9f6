package dev.appusers.keycloak.scenarios.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.AppUserRoles;
import dev.appusers.keycloak.it.ChangeTableScript;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.LogHygiene;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.it.SeedUsers;
import dev.appusers.keycloak.it.Target;

/**
 * No change is lost by import mode's syncs: a change committed after a "Sync changed users" started (by a
 * transaction held open across it) is taken by the next one, through the last-modified column and through the change
 * table; a full sync keeps the imported user of a row that is there but unreadable; a row that can no longer be
 * imported still disables its user and takes its roles and password away; a malformed hash is counted failed. One
 * flow, in order: each step starts from the state the previous one left.
 */
@On.Postgres
@On.Mariadb
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SyncSafetyScenarios {

    /** Keycloak stores the last-sync time in whole seconds. */
    private static final long NEXT_SECOND = 1100;

    /** The app database of the target this class runs on. */
    AppDb db() {
        return Target.current().db();
    }

    ItRealm realm;
    String schema;
    String componentId;

    @BeforeAll
    void setUp() {
        realm = ItRealm.create(getClass());
        schema = db().createFixtureSchema("syncsafe");
        db().executeIn(schema, db() == AppDb.POSTGRES
                ? "ALTER TABLE \"user\" ADD COLUMN updated_at TIMESTAMP NOT NULL DEFAULT now();\n"
                        + "ALTER TABLE \"user\" ALTER COLUMN email DROP NOT NULL;\n"
                : "ALTER TABLE user ADD COLUMN updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6);\n"
                        + "ALTER TABLE user MODIFY email VARCHAR(320) COLLATE utf8mb4_bin NULL;\n");
        componentId = realm.admin.addFederation(realm.name, ItRealm.config("dbSchema", schema, "importEnabled", "true",
                "lastModifiedColumn", "updated_at", "userAttributeColumns", "token_count"));
    }

    @Test
    @Order(1)
    void aFullSyncImportsEveryone() {
        JsonNode full = sync("triggerFullSync");

        assertThat(full.get("added").asInt()).as(full.toString()).isEqualTo(SeedUsers.users().size());
        assertThat(full.get("failed").asInt()).as(full.toString()).isZero();
    }

    @Test
    @Order(2)
    void aRowCommittedAfterAChangedSyncIsTakenByTheNextThoughItsLastModifiedTimeIsOlder() throws Exception {
        try (Connection app = db().connectTo(schema)) {
            app.setAutoCommit(false);
            update(app, "UPDATE " + db().userTable() + " SET token_count = 77, updated_at = " + now()
                    + " WHERE email = ?", "alice@example.com");
            Thread.sleep(NEXT_SECOND);

            JsonNode during = sync("triggerChangedUsersSync");

            assertThat(during.get("updated").asInt()).as(during.toString()).isZero();
            assertThat(user("alice@example.com").at("/attributes/token_count/0").asText()).isEqualTo("42");
            app.commit();
        }
        Thread.sleep(NEXT_SECOND);

        JsonNode after = sync("triggerChangedUsersSync");

        assertThat(user("alice@example.com").at("/attributes/token_count/0").asText()).isEqualTo("77");
        assertThat(after.get("updated").asInt()).as("users read again unchanged count nowhere: %s", after)
                .isEqualTo(1);
        assertThat(after.get("added").asInt() + after.get("failed").asInt()).as(after.toString()).isZero();
    }

    @Test
    @Order(3)
    void aRoleGrantCommittedLateReachesTheNextChangedSyncThroughTheChangeTable() throws Exception {
        ChangeTableScript.install(db(), schema);
        // a table with an hour of history: the syncs below trust it
        AppUserRoles.execute(db(), schema, "INSERT INTO app_users_changes (user_id, changed_at) SELECT id, "
                + (db() == AppDb.POSTGRES ? "now() - interval '2 hours'" : "CURRENT_TIMESTAMP(3) - INTERVAL 2 HOUR")
                + " FROM " + db().userTable() + " WHERE email = ?", "carol@example.com");
        sync("triggerChangedUsersSync");
        int logFrom = realm.log().length();
        try (Connection app = db().connectTo(schema)) {
            app.setAutoCommit(false);
            update(app, "INSERT INTO user_role (id, user_id, role_id) SELECT ?, u.id, r.id FROM " + db().userTable()
                    + " u, role r WHERE u.email = ? AND r.name = ?", db().idValue(UUID.randomUUID()),
                    "bob@example.com", "admin");
            Thread.sleep(11_000); // longer than the overlap the change table was once read with

            JsonNode during = sync("triggerChangedUsersSync");

            assertThat(realmRoles("bob@example.com")).as(during.toString()).doesNotContain("admin");
            app.commit();
        }
        Thread.sleep(NEXT_SECOND);

        JsonNode after = sync("triggerChangedUsersSync");

        assertThat(realmRoles("bob@example.com")).as(after.toString()).contains("admin", "editor");
        assertThat(after.get("updated").asInt()).as(after.toString()).isEqualTo(1);
        assertThat(realm.log().substring(logFrom)).doesNotContain("runs as a full sync");
    }

    @Test
    @Order(4)
    void aFullSyncKeepsTheImportedUserOfARowThatIsThereButUnreadable() {
        String erinId = user("erin@example.com").get("id").asText();
        AppUserRoles.execute(db(), schema, "UPDATE " + db().userTable() + " SET email = '' WHERE email = ?",
                "erin@example.com");

        JsonNode full = sync("triggerFullSync");

        assertThat(full.get("removed").asInt()).as(full.toString()).isZero();
        assertThat(full.get("failed").asInt()).as(full.toString()).isEqualTo(1);
        Http.Response kept = realm.admin.get("/" + realm.name + "/users/" + erinId);
        assertThat(kept.status()).as(kept.body()).isEqualTo(200);
        assertThat(kept.json().get("enabled").asBoolean()).as("disabled while its row cannot be read").isFalse();

        AppUserRoles.execute(db(), schema, "UPDATE " + db().userTable() + " SET email = ? WHERE email = ''",
                "erin@example.com");
        JsonNode again = sync("triggerFullSync");

        assertThat(again.get("failed").asInt()).as(again.toString()).isZero();
        assertThat(user("erin@example.com").get("id").asText()).isEqualTo(erinId);
        assertThat(user("erin@example.com").get("enabled").asBoolean()).isTrue();
    }

    @Test
    @Order(5)
    void aRowThatCanNoLongerBeImportedDisablesItsUserAndTakesItsRolesAndPasswordAway() {
        SeedUsers.SeedUser dave = SeedUsers.user("dave@example.com");
        assertThat(realm.oidc.passwordGrant(dave.email(), dave.password()).status()).isEqualTo(200);
        assertThat(realmRoles(dave.email())).contains("viewer");
        AppUserRoles.revoke(db(), schema, dave.email(), "viewer");
        AppUserRoles.execute(db(), schema, "UPDATE " + db().userTable() + " SET password_hash = '!unusable', "
                + "updated_at = " + now() + " WHERE email = ?", dave.email());

        JsonNode changed = sync("triggerChangedUsersSync");

        assertThat(changed.get("failed").asInt()).as(changed.toString()).isEqualTo(1);
        JsonNode user = user(dave.email());
        assertThat(user.get("enabled").asBoolean()).isFalse();
        assertThat(realmRoles(dave.email())).doesNotContain("viewer");
        assertThat(realm.admin.getJson("/" + realm.name + "/users/" + user.get("id").asText() + "/credentials")
                .findValuesAsText("type")).doesNotContain("password");
        assertThat(realm.oidc.passwordGrant(dave.email(), dave.password()).status()).isIn(OidcClient.REFUSED);
        assertThat(realm.log()).contains("App user " + dave.id() + " not updated: its password hash is malformed");
    }

    @Test
    @Order(6)
    void aBcryptHashWithTheRightPrefixButABrokenBodyIsCountedFailed() {
        UUID broken = UUID.randomUUID();
        db().insertUser(schema, broken, "broken@sync.test", "$2b$12$" + "!".repeat(53), true, true);

        JsonNode full = sync("triggerFullSync");

        assertThat(full.get("added").asInt()).as(full.toString()).isZero();
        assertThat(full.get("failed").asInt()).as("the broken hash and dave's: %s", full).isEqualTo(2);
        assertThat(realm.log()).contains("App user " + broken + " not imported: its password hash is malformed");
        assertThat(realm.admin.getJson("/" + realm.name + "/users?exact=true&username=broken@sync.test")).isEmpty();
    }

    @AfterAll
    void logHoldsNoSecrets() {
        LogHygiene.assertNoSecretsIn(realm);
    }

    private String now() {
        return db() == AppDb.POSTGRES ? "now()" : "CURRENT_TIMESTAMP(6)";
    }

    private static void update(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            assertThat(statement.executeUpdate()).as(sql).isEqualTo(1);
        }
    }

    private JsonNode sync(String action) {
        Http.Response response = realm.admin.post("/" + realm.name + "/user-storage/" + componentId + "/sync?action="
                + action, "");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        System.out.println(getClass().getSimpleName() + " " + action + ": " + response.body());
        return response.json();
    }

    private JsonNode user(String username) {
        JsonNode found = realm.admin.getJson("/" + realm.name + "/users?exact=true&username="
                + URLEncoder.encode(username, StandardCharsets.UTF_8));
        assertThat(found).as("user " + username).hasSize(1);
        return found.get(0);
    }

    private List<String> realmRoles(String username) {
        List<String> names = new ArrayList<>();
        realm.admin.getJson("/" + realm.name + "/users/" + user(username).get("id").asText() + "/role-mappings/realm")
                .forEach(role -> names.add(role.get("name").asText()));
        return names;
    }
}
