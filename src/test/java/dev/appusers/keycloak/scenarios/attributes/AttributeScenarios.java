package dev.appusers.keycloak.scenarios.attributes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.LogHygiene;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.it.SeedUsers;
import dev.appusers.keycloak.it.Target;

/** The app's extra user and role columns as Keycloak attributes, profile fields, token claims and search keys. */
@On.Postgres
@On.Mariadb
@On.MariadbDefaultCache
@On.PostgresPrevious
@On.PostgresOldest
@On.ProductionDefaultCache
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AttributeScenarios {

    private static final String EXTERNAL_REF = "5e92b0ed-2167-58b4-805a-9417620f8eea";

    /** The app database of the target this class runs on. */
    AppDb db() {
        return Target.current().db();
    }

    ItRealm realm;
    String schema;
    String componentId;

    /** Columns of every supported type, one of them a reserved word and one in mixed case. */
    private String extraColumns() {
        return db() == AppDb.POSTGRES ? """
                ALTER TABLE "user" ADD COLUMN "order" INTEGER, ADD COLUMN "NickName" VARCHAR(50),
                  ADD COLUMN balance NUMERIC(10,2), ADD COLUMN born DATE, ADD COLUMN last_login TIMESTAMP,
                  ADD COLUMN newsletter BOOLEAN, ADD COLUMN external_ref UUID, ADD COLUMN avatar BYTEA;
                UPDATE "user" SET "order" = 7, "NickName" = 'Ally', balance = 12.50, born = '1990-04-01',
                  last_login = '2026-01-15 09:30:00', newsletter = true,
                  external_ref = '5e92b0ed-2167-58b4-805a-9417620f8eea' WHERE email = 'alice@example.com';
                """ : """
                ALTER TABLE user ADD COLUMN `order` INTEGER, ADD COLUMN NickName VARCHAR(50),
                  ADD COLUMN balance DECIMAL(10,2), ADD COLUMN born DATE, ADD COLUMN last_login DATETIME,
                  ADD COLUMN newsletter BOOL, ADD COLUMN external_ref BINARY(16), ADD COLUMN avatar BLOB;
                UPDATE user SET `order` = 7, NickName = 'Ally', balance = 12.50, born = '1990-04-01',
                  last_login = '2026-01-15 09:30:00', newsletter = true,
                  external_ref = 0x5e92b0ed216758b4805a9417620f8eea WHERE email = 'alice@example.com';
                """;
    }

    @BeforeAll
    void setUp() {
        realm = ItRealm.create(getClass());
        schema = db().createFixtureSchema("attrs");
        db().lightenSeedHashes(schema);
        db().executeIn(schema, extraColumns());
        Map<String, Object> component = new LinkedHashMap<>();
        component.put("name", "app-users");
        component.put("providerId", "app-users");
        component.put("providerType", "org.keycloak.storage.UserStorageProvider");
        component.put("config", Map.of("cachePolicy", List.of("NO_CACHE"), "dbSchema", List.of(schema),
                "userAttributeColumns", List.of("token_count", "order", "NickName:nickname", "balance", "born",
                        "last_login", "newsletter", "external_ref"),
                "roleAttributeColumns", List.of("created_at")));
        Http.Response created = realm.admin.post("/" + realm.name + "/components", component);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String location = created.header("Location");
        componentId = location.substring(location.lastIndexOf('/') + 1);
    }

    private String userId(String email) {
        return "f:" + componentId + ":" + SeedUsers.user(email).id();
    }

    private JsonNode user(String email) {
        return realm.admin.getJson("/" + realm.name + "/users/" + userId(email));
    }

    @Test
    void columnsOfEveryTypeBecomeStringAttributes() {
        JsonNode attributes = user("alice@example.com").get("attributes");

        assertThat(attributes.get("token_count").get(0).asText()).isEqualTo("42");
        assertThat(attributes.get("order").get(0).asText()).isEqualTo("7");
        assertThat(attributes.get("nickname").get(0).asText()).isEqualTo("Ally");
        assertThat(attributes.get("balance").get(0).asText()).isEqualTo("12.5");
        assertThat(attributes.get("born").get(0).asText()).isEqualTo("1990-04-01");
        assertThat(attributes.get("last_login").get(0).asText()).isEqualTo("2026-01-15T09:30:00");
        assertThat(attributes.get("newsletter").get(0).asText()).isEqualTo("true");
        assertThat(attributes.get("external_ref").get(0).asText()).isEqualTo(EXTERNAL_REF);
    }

    @Test
    void nullColumnIsAnAbsentAttribute() {
        JsonNode attributes = user("carol@example.com").path("attributes");

        assertThat(attributes.has("token_count")).isFalse();
        assertThat(attributes.has("nickname")).isFalse();
    }

    @Test
    void mappedAttributesAreDeclaredReadOnlyInTheUserProfile() {
        JsonNode metadata = realm.admin.getJson("/" + realm.name + "/users/" + userId("alice@example.com")
                + "?userProfileMetadata=true").get("userProfileMetadata").get("attributes");
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        metadata.forEach(a -> byName.put(a.get("name").asText(), a));

        assertThat(byName).containsKeys("token_count", "nickname", "born");
        assertThat(byName.get("token_count").get("readOnly").asBoolean()).isTrue();
        assertThat(byName.get("email").get("readOnly").asBoolean()).isTrue();
    }

    @Test
    void attributeMapperPutsAColumnIntoTheAccessToken() {
        String client = realm.admin.getJson("/" + realm.name + "/clients?clientId=demo-app").get(0).get("id").asText();
        Map<String, Object> mapper = Map.of("name", "token_count", "protocol", "openid-connect",
                "protocolMapper", "oidc-usermodel-attribute-mapper", "config", Map.of("user.attribute", "token_count",
                        "claim.name", "token_count", "jsonType.label", "long", "access.token.claim", "true",
                        "id.token.claim", "true"));
        Http.Response added = realm.admin.post("/" + realm.name + "/clients/" + client + "/protocol-mappers/models", mapper);
        assertThat(added.status()).as(added.body()).isEqualTo(201);

        JsonNode claims = realm.oidc.accessTokenClaims("alice@example.com", "alice-Secret-1");

        assertThat(claims.get("token_count").asLong()).isEqualTo(42);
    }

    @Test
    void usersAreFoundByAMappedAttributeInTheDatabase() {
        assertThat(usernames("token_count:42")).containsExactly("alice@example.com");
        assertThat(usernames("nickname:ally")).containsExactly("alice@example.com");
        assertThat(usernames("newsletter:true")).containsExactly("alice@example.com");
        assertThat(usernames("token_count:not-a-number")).isEmpty();
        assertThat(usernames("unmapped:1")).isEmpty();
    }

    private List<String> usernames(String query) {
        Http.Response response = realm.admin.get("/" + realm.name + "/users?q=" + Http.encode(query));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return Http.texts(response.json(), "username");
    }

    @Test
    void roleColumnsBecomeRoleAttributes() {
        String id = realm.admin.getJson("/" + realm.name + "/roles/admin").get("id").asText();
        JsonNode attributes = realm.admin.getJson("/" + realm.name + "/roles-by-id/" + id).get("attributes");

        assertThat(attributes.get("created_at").get(0).asText()).isEqualTo("2026-01-15T09:30:00");
    }

    @Test
    void editingAMappedAttributeIsRefusedInReadOnlyMode() throws Exception {
        ObjectNode alice = (ObjectNode) user("alice@example.com");
        ((ObjectNode) alice.get("attributes")).set("token_count", Http.JSON.valueToTree(List.of("43")));

        Http.Response response = realm.admin.put("/" + realm.name + "/users/" + userId("alice@example.com"), alice);

        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.body()).contains("\"field\":\"token_count\"").contains("error-user-attribute-read-only");
        assertThat(user("alice@example.com").get("attributes").get("token_count").get(0).asText()).isEqualTo("42");
        try (var c = db().connectTo(schema); var s = c.createStatement(); var rs = s.executeQuery(
                "SELECT token_count FROM " + db().userTable() + " WHERE email = 'alice@example.com'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(42);
        }
    }

    @Test
    void passwordHashColumnCanNeverBeMapped() {
        Http.Response response = realm.admin.post("/" + realm.name + "/components", Map.of("name", "bad",
                "providerId", "app-users", "providerType", "org.keycloak.storage.UserStorageProvider",
                "config", Map.of("dbSchema", List.of(schema), "userAttributeColumns", List.of("password_hash:pw"))));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("errorMessage").asText())
                .contains("userAttributeColumns: column password_hash holds password hashes and can never be mapped");
    }

    @Test
    void starMapsEveryOtherColumnButNeverTheHash() {
        String starRealm = realm.name + "_star";
        realm.admin.deleteIfPresent("/" + starRealm);
        realm.admin.createRealm(starRealm);
        String id = realm.admin.addFederation(starRealm, ItRealm.config("dbSchema", schema));
        JsonNode stored = realm.admin.component(starRealm, id);
        ((ObjectNode) stored.get("config")).set("userAttributeColumns", Http.JSON.valueToTree(List.of("*")));
        assertThat(realm.admin.put("/" + starRealm + "/components/" + id, stored).status()).isEqualTo(204);

        JsonNode alice = realm.admin.getJson("/" + starRealm + "/users/f:" + id + ":"
                + SeedUsers.user("alice@example.com").id()).get("attributes");

        assertThat(alice.has("token_count")).isTrue();
        assertThat(alice.has("NickName")).isTrue();
        assertThat(alice.has("password_hash")).isFalse();
        assertThat(alice.has("avatar")).as("a BLOB column cannot be an attribute").isFalse();
        JsonNode claims = new OidcClient(realm.server, starRealm).accessTokenClaims("alice@example.com", "alice-Secret-1");
        assertThat(claims.get("email").asText()).isEqualTo("alice@example.com");
    }

    @org.junit.jupiter.api.AfterAll
    void logHoldsNoSecrets() {
        LogHygiene.assertNoSecretsIn(realm);
    }
}
