package dev.appusers.keycloak.scenarios.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

import dev.appusers.keycloak.it.AdminClient;
import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.AppUserRoles;
import dev.appusers.keycloak.it.ChangeTableScript;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.LogHygiene;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.it.SeedUsers;
import dev.appusers.keycloak.it.SeedUsers.HashSample;
import dev.appusers.keycloak.it.SeedUsers.SeedUser;
import dev.appusers.keycloak.it.Target;
import dev.appusers.keycloak.scenarios.changes.ChangeFeedScenarios;

/**
 * Import mode (importEnabled=true): users come into Keycloak's own database on first lookup and by "Sync all users" /
 * "Sync changed users", stay in step with their rows (changed, disabled, role removed, row deleted), carry the app's
 * hash as a Keycloak password credential that Keycloak re-hashes to the realm's policy on the first sign-in, and bad
 * rows are counted as failed with one log line each. One flow, in order: the state of one step is the next one's.
 */
@On.Postgres
@On.Mariadb
@On.PostgresPrevious
@On.PostgresOldest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImportScenarios {

    /** The app database of the target this class runs on. */
    AppDb db() {
        return Target.current().db();
    }

    ItRealm realm;
    String schema;
    String componentId;
    String badIdComponentId;
    final List<HashSample> samples = SeedUsers.hashes();
    final UUID malformed = UUID.randomUUID();
    final UUID duplicateLower = new UUID(0xffff_ffff_0000_0000L, 2);
    final UUID duplicateUpper = new UUID(0xffff_ffff_0000_0000L, 1);
    final UUID noEmail = UUID.randomUUID();

    @BeforeAll
    void setUp() {
        realm = ItRealm.create(getClass());
        schema = db().createFixtureSchema("imports");
        boolean pg = db() == AppDb.POSTGRES;
        String user = db().userTable();
        db().executeIn(schema, pg
                ? "ALTER TABLE \"user\" ADD COLUMN updated_at TIMESTAMP NOT NULL DEFAULT now();\n"
                        + "ALTER TABLE \"user\" ALTER COLUMN email DROP NOT NULL;\n"
                        + "CREATE TABLE badid_user (id VARCHAR(36) PRIMARY KEY, email VARCHAR(320), "
                        + "password_hash VARCHAR(1024), is_active BOOLEAN, is_verified BOOLEAN);\n"
                : "ALTER TABLE user ADD COLUMN updated_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6);\n"
                        + "ALTER TABLE user MODIFY email VARCHAR(320) COLLATE utf8mb4_bin NULL;\n"
                        + "CREATE TABLE badid_user (id VARCHAR(36) PRIMARY KEY, email VARCHAR(320), "
                        + "password_hash VARCHAR(1024), is_active BOOLEAN, is_verified BOOLEAN);\n");
        ChangeTableScript.install(db(), schema);
        for (int i = 0; i < samples.size(); i++) {
            db().insertUser(schema, UUID.randomUUID(), "sample" + i + "@import.test", samples.get(i).hash(), true, true);
        }
        db().insertUser(schema, malformed, "malformed@import.test", "not-a-hash-of-any-scheme", true, true);
        db().insertUser(schema, duplicateUpper, "Twin@Import.test", samples.get(0).hash(), true, true);
        db().insertUser(schema, duplicateLower, "twin@import.test", samples.get(0).hash(), true, true);
        db().insertUser(schema, noEmail, null, samples.get(0).hash(), true, true);
        db().executeIn(schema, "INSERT INTO badid_user VALUES ('" + UUID.randomUUID() + "', 'good@badid.test', "
                + "'" + samples.get(0).hash() + "', true, true);\n"
                + "INSERT INTO badid_user VALUES ('not-a-uuid', 'bad@badid.test', '" + samples.get(0).hash()
                + "', true, true);\n");
        defaultGroup(realm.name);
        componentId = realm.admin.addFederation(realm.name, importConfig());
        badIdComponentId = realm.admin.addFederation(realm.name, ItRealm.config("dbSchema", schema,
                "importEnabled", "true", "userTable", "badid_user", "rolesEnabled", "false"));
    }

    @Test
    @Order(1)
    void firstSignInImportsTheUserWithItsRolesAndAttributes() {
        SeedUser alice = SeedUsers.user("alice@example.com");

        JsonNode claims = realm.oidc.accessTokenClaims(alice.email(), alice.password());

        JsonNode user = user(alice.email());
        assertThat(user.get("id").asText()).doesNotStartWith("f:");
        assertThat(user.get("federationLink").asText()).isEqualTo(componentId);
        assertThat(claims.get("sub").asText()).isEqualTo(user.get("id").asText());
        assertThat(roles(claims)).contains("admin", "editor");
        assertThat(user.at("/attributes/token_count/0").asText()).isEqualTo("42");
    }

    @Test
    @Order(2)
    void fullSyncImportsEveryUserAndCountsEachBadRowAsFailedWithOneLogLine() {
        JsonNode first = sync(componentId, "triggerFullSync");
        JsonNode again = sync(componentId, "triggerFullSync");

        assertThat(first.get("failed").asInt()).as(first.toString()).isEqualTo(3);
        assertThat(first.get("added").asInt()).as(first.toString()).isEqualTo(4 + samples.size() + 1);
        assertThat(again.get("added").asInt()).as(again.toString()).isZero();
        assertThat(again.get("failed").asInt()).as(again.toString()).isEqualTo(3);
        assertThat(realm.log())
                .contains("App user " + malformed + " not imported: its password hash is malformed")
                .contains("App user " + duplicateLower + " not imported: another Keycloak user has its username")
                .contains("its username column is empty");
        assertThat(user("twin@import.test").at("/attributes/APP_USERS_ID/0").asText("")).isIn(
                duplicateUpper.toString(), "");
        JsonNode badIds = sync(badIdComponentId, "triggerFullSync");
        assertThat(badIds.get("added").asInt()).as(badIds.toString()).isEqualTo(1);
        assertThat(badIds.get("failed").asInt()).as(badIds.toString()).isEqualTo(1);
    }

    @Test
    @Order(3)
    void aUserASyncAddsIsTheUserKeycloaksAddUserWritesOnALookup() {
        String lookupRealm = realm.name + "_lookup";
        realm.admin.delete("/" + lookupRealm);
        realm.admin.createRealm(lookupRealm);
        defaultGroup(lookupRealm);
        realm.admin.addFederation(lookupRealm, importConfig());
        SeedUser bob = SeedUsers.user("bob@example.com");
        JsonNode profile = showUnmanagedAttributes(realm.name, null);
        showUnmanagedAttributes(lookupRealm, null);

        // a refused sign-in: its lookup imports bob through Keycloak's addUser, and no re-hash follows
        Http.Response signIn = new OidcClient(realm.server, lookupRealm).passwordGrant(bob.email(), "wrong-password");

        assertThat(signIn.status()).as(signIn.body()).isIn(OidcClient.REFUSED);
        JsonNode synced = user(bob.email());
        JsonNode lookedUp = user(lookupRealm, bob.email());

        assertThat(lookedUp.get("id").asText()).isNotEqualTo(synced.get("id").asText());
        assertThat(comparable(lookupRealm, lookedUp)).isEqualTo(comparable(realm.name, synced));
        for (Map.Entry<String, JsonNode> user : Map.of(realm.name, synced, lookupRealm, lookedUp).entrySet()) {
            JsonNode shown = realm.admin.getJson("/" + user.getKey() + "/users/" + user.getValue().get("id").asText()
                    + "?userProfileMetadata=true");
            assertThat(metadataOf(shown, "token_count").get("readOnly").asBoolean()).as("mapped attribute: READ_ONLY")
                    .isTrue();
            assertThat(metadataOf(shown, "firstName").get("required").asBoolean()).as("no name column").isFalse();
        }
        assertThat(comparable(realm.name, synced).toString())
                .contains("default-roles-REALM", "editor", "/app-members", "APP_USERS_ID", "APP_USERS_HASH_FINGERPRINT",
                        "token_count", "app-argon2");
        assertThat(synced.get("createdTimestamp").asLong()).isPositive();
        showUnmanagedAttributes(realm.name, profile);
        realm.admin.delete("/" + lookupRealm);
    }

    /**
     * Lets the admin API show the attributes no profile declares ({@code APP_USERS_ID}, the fingerprint), or puts
     * {@code saved} back; returns the profile as it was.
     */
    private JsonNode showUnmanagedAttributes(String realmName, JsonNode saved) {
        String path = "/" + realmName + "/users/profile";
        JsonNode profile = AdminClient.expect(realm.admin.get(path), 200, "read the user profile").json();
        com.fasterxml.jackson.databind.node.ObjectNode changed = saved == null ? profile.deepCopy() : saved.deepCopy();
        if (saved == null) {
            changed.put("unmanagedAttributePolicy", "ADMIN_VIEW");
        }
        AdminClient.expect(realm.admin.put(path, changed), 200, "update the user profile");
        return profile;
    }

    /** What a user is, without what differs by realm or by the moment: ids, time stamps, the component's id. */
    private static JsonNode metadataOf(JsonNode user, String attribute) {
        for (JsonNode declared : user.at("/userProfileMetadata/attributes")) {
            if (declared.get("name").asText().equals(attribute)) {
                return declared;
            }
        }
        throw new AssertionError(attribute + " not in the user's profile metadata: " + user);
    }

    private com.fasterxml.jackson.databind.node.ObjectNode comparable(String realmName, JsonNode user) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = user.deepCopy();
        // the profile's metadata is the realm's, not the user's: a sync also declares the mapped attributes in its
        // realm's profile (for the users once unlinked), a lookup does not; what it says of the user is checked apart
        copy.remove(List.of("id", "createdTimestamp", "federationLink", "origin", "access", "userProfileMetadata"));
        String base = "/" + realmName + "/users/" + user.get("id").asText();
        List<String> roles = new ArrayList<>();
        AdminClient.expect(realm.admin.get(base + "/role-mappings/realm"), 200, "role mappings").json()
                .forEach(role -> roles.add(role.get("name").asText().replace(realmName, "REALM")));
        java.util.Collections.sort(roles);
        copy.putPOJO("realmRoles", roles);
        List<String> groups = new ArrayList<>();
        AdminClient.expect(realm.admin.get(base + "/groups"), 200, "groups").json()
                .forEach(group -> groups.add(group.get("path").asText()));
        copy.putPOJO("groups", groups);
        com.fasterxml.jackson.databind.node.ArrayNode credentials = copy.putArray("credentials");
        for (JsonNode credential : AdminClient.expect(realm.admin.get(base + "/credentials"), 200, "credentials")
                .json()) {
            com.fasterxml.jackson.databind.node.ObjectNode kept = credential.deepCopy();
            kept.remove(List.of("id", "createdDate"));
            if (kept.hasNonNull("credentialData") && user.hasNonNull("federationLink")) { // the importing component
                kept.put("credentialData", kept.get("credentialData").asText()
                        .replace(user.get("federationLink").asText(), "COMPONENT"));
            }
            credentials.add(kept);
        }
        return copy;
    }

    private Map<String, String> importConfig() {
        return ItRealm.config("dbSchema", schema, "importEnabled", "true", "lastModifiedColumn", "updated_at",
                "userAttributeColumns", "token_count");
    }

    /** A default group: Keycloak's addUser makes every new user a member. */
    private void defaultGroup(String realmName) {
        Http.Response created = AdminClient.expect(realm.admin.post("/" + realmName + "/groups",
                Map.of("name", "app-members")), 201, "create group");
        String location = created.header("Location");
        AdminClient.expect(realm.admin.put("/" + realmName + "/default-groups/"
                + location.substring(location.lastIndexOf('/') + 1), ""), 204, "set the default group");
    }

    @Test
    @Order(4)
    void everyAppHashSignsInAfterImportAndIsThenStoredInTheRealmsAlgorithm() {
        List<String> algorithmsAfter = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            String username = "sample" + i + "@import.test";
            HashSample sample = samples.get(i);
            String id = user(username).get("id").asText();
            assertThat(algorithm(id)).as(sample.toString()).startsWith("app-");
            assertThat(realm.oidc.passwordGrant(username, "wrong-" + sample.password()).status()).as(sample.toString())
                    .isIn(OidcClient.REFUSED);

            assertThat(realm.oidc.passwordGrant(username, sample.password()).status()).as(sample.toString())
                    .isEqualTo(200);

            String after = algorithm(id);
            algorithmsAfter.add(after);
            assertThat(after).as(sample.toString()).doesNotStartWith("app-");
            assertThat(realm.oidc.passwordGrant(username, "wrong-" + sample.password()).status()).as(sample.toString())
                    .isIn(OidcClient.REFUSED);
        }
        String last = "sample" + (samples.size() - 1) + "@import.test";
        assertThat(realm.oidc.passwordGrant(last, samples.get(samples.size() - 1).password()).status())
                .as("signs in again with the re-hashed credential").isEqualTo(200);
        System.out.println("Algorithms after the first sign-in: " + algorithmsAfter);
    }

    @Test
    @Order(5)
    void readOnlyRefusesChangesToMappedFieldsAndAppRoles() {
        JsonNode bob = user("bob@example.com");
        ((com.fasterxml.jackson.databind.node.ObjectNode) bob).put("email", "robert@example.com");

        Http.Response refused = realm.admin.put("/" + realm.name + "/users/" + bob.get("id").asText(), bob);

        assertThat(refused.status()).as(refused.body()).isGreaterThanOrEqualTo(400);
        assertThat(user("bob@example.com").get("email").asText()).isEqualTo("bob@example.com");
        assertThat(realm.admin.put("/" + realm.name + "/users/" + bob.get("id").asText() + "/reset-password",
                java.util.Map.of("type", "password", "value", "New-Secret-99", "temporary", false)).status())
                .isGreaterThanOrEqualTo(400);
    }

    @Test
    @Order(6)
    void changedSyncTakesChangedRowsAndFullSyncRemovesRolesAndGoneUsers() throws Exception {
        SeedUser bob = SeedUsers.user("bob@example.com");
        String table = db().userTable();
        Thread.sleep(1100); // the last sync is stored in whole seconds
        db().executeIn(schema, "UPDATE " + table + " SET token_count = 8, is_active = false, updated_at = "
                + (db() == AppDb.POSTGRES ? "now()" : "CURRENT_TIMESTAMP(6)") + " WHERE email = 'bob@example.com';\n");

        JsonNode changed = sync(componentId, "triggerChangedUsersSync");

        assertThat(changed.get("updated").asInt()).as(changed.toString()).isEqualTo(1);
        assertThat(changed.get("added").asInt()).as(changed.toString()).isZero();
        JsonNode user = user(bob.email());
        assertThat(user.get("enabled").asBoolean()).isFalse();
        assertThat(user.at("/attributes/token_count/0").asText()).isEqualTo("8");

        SeedUser dave = SeedUsers.user("dave@example.com");
        String daveId = user(dave.email()).get("id").asText();
        SeedUser erin = SeedUsers.user("erin@example.com");
        String alice = "(SELECT id FROM " + table + " WHERE email = 'alice@example.com')";
        db().executeIn(schema, "DELETE FROM user_role WHERE user_id IN (SELECT id FROM " + table
                + " WHERE email IN ('dave@example.com', 'erin@example.com'));\n"
                + "DELETE FROM " + table + " WHERE email IN ('dave@example.com', 'erin@example.com');\n"
                + "DELETE FROM user_role WHERE user_id = " + alice + " AND role_id = (SELECT id FROM role WHERE "
                + "name = 'editor');\n");

        assertThat(realm.admin.get("/" + realm.name + "/users/" + daveId).status()).isEqualTo(404);
        JsonNode full = sync(componentId, "triggerFullSync");

        assertThat(full.get("removed").asInt()).as(full.toString()).isEqualTo(1);
        assertThat(realm.admin.getJson("/" + realm.name + "/users?exact=true&username=" + erin.email())).isEmpty();
        String aliceId = user("alice@example.com").get("id").asText();
        JsonNode mappings = realm.admin.getJson("/" + realm.name + "/users/" + aliceId + "/role-mappings/realm");
        List<String> names = new ArrayList<>();
        mappings.forEach(role -> names.add(role.get("name").asText()));
        assertThat(names).contains("admin").doesNotContain("editor");
    }

    @Test
    @Order(7)
    void changedSyncWithoutALastModifiedColumnIsIgnoredWithTheReason() {
        JsonNode result = sync(badIdComponentId, "triggerChangedUsersSync");

        assertThat(result.get("ignored").asBoolean()).as(result.toString()).isTrue();
        assertThat(realm.log()).contains("only 'Sync all users' is offered without it");
    }

    @Test
    @Order(8)
    void roleOnlyChangesReachTheChangedSyncThroughTheChangeTableAndAPrunedTableFallsBackToAFullSync() {
        AppUserRoles.grant(db(), schema, "alice@example.com", "editor");
        AppUserRoles.revoke(db(), schema, "bob@example.com", "editor");

        JsonNode changed = sync(componentId, "triggerChangedUsersSync");

        assertThat(changed.get("updated").asInt()).as(changed.toString()).isEqualTo(2);
        assertThat(changed.get("added").asInt()).as(changed.toString()).isZero();
        assertThat(realmRoles("alice@example.com")).contains("admin", "editor");
        assertThat(realmRoles("bob@example.com")).doesNotContain("editor");

        // pruned: the oldest row kept is newer than the last sync
        AppUserRoles.execute(db(), schema, "DELETE FROM app_users_changes");
        AppUserRoles.execute(db(), schema, "UPDATE " + db().userTable() + " SET token_count = token_count "
                + "WHERE email = ?", "alice@example.com");
        JsonNode full = sync(componentId, "triggerChangedUsersSync");

        assertThat(full.get("failed").asInt()).as("the bad rows a full sync reads: %s", full).isEqualTo(3);
        assertThat(realm.log()).contains("Changed users sync of " + componentName() + " runs as a full sync: the "
                + "oldest change kept in app_users_changes");
    }

    @Test
    @Order(9)
    void aRoleGrantedInTheAppIsInTheNextRefreshedTokenOfAnImportedUserThroughTheChangeFeed() {
        cachePolicy("DEFAULT"); // the feed polls only components whose users Keycloak caches
        try {
            SeedUser alice = SeedUsers.user("alice@example.com");
            Http.Response login = AdminClient.expect(realm.oidc.passwordGrant(alice.email(), alice.password()), 200,
                    "sign-in that caches alice");
            assertThat(roles(OidcClient.claims(login.json().path("access_token").asText()))).doesNotContain("viewer");
            String refreshToken = login.json().path("refresh_token").asText();

            long start = System.nanoTime();
            AppUserRoles.grant(db(), schema, alice.email(), "viewer");

            while (true) {
                Http.Response refreshed = AdminClient.expect(realm.oidc.refresh(refreshToken), 200, "refresh");
                refreshToken = refreshed.json().path("refresh_token").asText(refreshToken);
                if (roles(OidcClient.claims(refreshed.json().path("access_token").asText())).contains("viewer")) {
                    break;
                }
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertThat(millis).as("viewer granted in the app, not in the token after %d ms", millis)
                        .isLessThan(ChangeFeedScenarios.BOUND_MILLIS);
                ChangeFeedScenarios.sleep(100);
            }
            System.out.printf("import mode (%s): a role granted in the app is in the refreshed token after %d ms%n",
                    db(), (System.nanoTime() - start) / 1_000_000);

            // bob is imported but not cached: the feed neither loads nor evicts him
            String notCached = "Change feed of " + componentName() + ": 1 users changed, 0 cached here evicted";
            int before = occurrences(realm.log(), notCached);
            AppUserRoles.grant(db(), schema, "bob@example.com", "viewer");
            long waited = System.nanoTime();
            while (occurrences(realm.log(), notCached) == before) {
                assertThat((System.nanoTime() - waited) / 1_000_000).as("feed line for bob").isLessThan(5_000);
                ChangeFeedScenarios.sleep(100);
            }
        } finally {
            cachePolicy(ItRealm.config().get("cachePolicy"));
        }
    }

    private static int occurrences(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }

    private void cachePolicy(String policy) {
        com.fasterxml.jackson.databind.node.ObjectNode component =
                (com.fasterxml.jackson.databind.node.ObjectNode) realm.admin.component(realm.name, componentId);
        ((com.fasterxml.jackson.databind.node.ObjectNode) component.get("config")).putArray("cachePolicy").add(policy);
        AdminClient.expect(realm.admin.put("/" + realm.name + "/components/" + componentId, component), 204,
                "cache policy " + policy);
    }

    private List<String> realmRoles(String username) {
        List<String> names = new ArrayList<>();
        realm.admin.getJson("/" + realm.name + "/users/" + user(username).get("id").asText() + "/role-mappings/realm")
                .forEach(role -> names.add(role.get("name").asText()));
        return names;
    }

    private String componentName() {
        return realm.admin.component(realm.name, componentId).path("name").asText();
    }

    @AfterAll
    void logHoldsNoSecrets() {
        LogHygiene.assertNoSecretsIn(realm);
    }

    JsonNode sync(String component, String action) {
        Http.Response response = realm.admin.post("/" + realm.name + "/user-storage/" + component + "/sync?action="
                + action, "");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        System.out.println(getClass().getSimpleName() + " " + action + ": " + response.body());
        return response.json();
    }

    JsonNode user(String username) {
        return user(realm.name, username);
    }

    JsonNode user(String realmName, String username) {
        JsonNode found = realm.admin.getJson("/" + realmName + "/users?exact=true&username="
                + URLEncoder.encode(username, StandardCharsets.UTF_8));
        assertThat(found).as("user " + username).hasSize(1);
        return found.get(0);
    }

    String algorithm(String userId) {
        for (JsonNode credential : realm.admin.getJson("/" + realm.name + "/users/" + userId + "/credentials")) {
            if ("password".equals(credential.get("type").asText())) {
                try {
                    return Http.JSON.readTree(credential.get("credentialData").asText()).get("algorithm").asText();
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return "none";
    }

    static List<String> roles(JsonNode claims) {
        List<String> roles = new ArrayList<>();
        claims.at("/realm_access/roles").forEach(r -> roles.add(r.asText()));
        return roles;
    }
}
