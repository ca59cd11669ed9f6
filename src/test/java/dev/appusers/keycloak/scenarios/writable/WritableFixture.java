package dev.appusers.keycloak.scenarios.writable;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.LogHygiene;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.SeedUsers;
import dev.appusers.keycloak.it.Target;

/**
 * What the WRITABLE scenarios share: a realm, a copy of the fixture with extra users and a NOT NULL column the app
 * added, a writable component on it, and reads of the app's rows straight from the database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WritableFixture {

    /** The app database of the target this class runs on. */
    AppDb db() {
        return Target.current().db();
    }

    /** The fixture schema's name: one per scenario class. */
    abstract String fixtureName();

    ItRealm realm;
    String schema;
    String componentId;

    @BeforeAll
    void setUp() {
        realm = ItRealm.create(getClass());
        schema = db().createFixtureSchema(fixtureName());
        db().insertUser(schema, GINA, "gina@example.com", SeedUsers.DAVE_HASH, true, true);
        db().insertUser(schema, HANK, "hank@example.com", SeedUsers.DAVE_HASH, true, true);
        db().insertUser(schema, JILL, "jill@example.com", SeedUsers.DAVE_HASH, true, false);
        db().insertUser(schema, KATE, "kate@example.com", SeedUsers.DAVE_HASH, true, true);
        db().insertUser(schema, LIAM, "liam@example.com", SeedUsers.DAVE_HASH, true, true);
        db().insertUser(schema, MONA, "mona@example.com", SeedUsers.DAVE_HASH, true, true);
        db().insertUser(schema, NINA, "nina@example.com", SeedUsers.DAVE_HASH, true, true);
        db().executeIn(schema, "UPDATE " + db().userTable() + " SET token_count = 5 WHERE email = 'liam@example.com';\n"
                + "UPDATE " + db().userTable() + " SET token_count = 9 WHERE email = 'mona@example.com';\n"
                + "UPDATE " + db().userTable() + " SET token_count = 11 WHERE email = 'nina@example.com';\n");
        // a NOT NULL column without default that the app added: Keycloak can only insert rows if config fills it
        db().executeIn(schema, "ALTER TABLE " + db().userTable() + " ADD COLUMN plan VARCHAR(10) NOT NULL DEFAULT 'free';\n"
                + "ALTER TABLE " + db().userTable() + " ALTER COLUMN plan DROP DEFAULT;\n");
        componentId = realm.admin.addFederation(realm.name, componentConfig());
    }

    /** The configuration of the class's component: WRITABLE, live. */
    Map<String, String> componentConfig() {
        return writable(schema, "insertDefaults", "plan=basic");
    }

    static final UUID GINA = UUID.fromString("6a1f0f3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b");
    static final UUID HANK = UUID.fromString("7b2f1f4e-2d3e-4f60-9bac-1d2e3f4a5b6c");
    static final UUID JILL = UUID.fromString("8c3f2f5e-3e4f-4061-8cbd-2e3f4a5b6c7d");
    static final UUID KATE = UUID.fromString("9d4f3f6e-4f50-4172-9dce-3f4a5b6c7d8e");
    static final UUID LIAM = UUID.fromString("ae5f4f7e-5061-4283-8edf-4a5b6c7d8e9f");
    static final UUID MONA = UUID.fromString("bf6f5f8e-6172-4394-9ef0-5b6c7d8e9fa0");
    static final UUID NINA = UUID.fromString("c07f6f9e-7283-44a5-8f01-6c7d8e9fa0b1");

    String authUrl(String extra) {
        return authUrl(realm.name, extra);
    }

    String authUrl(String realmName, String extra) {
        return realm.server.baseUrl() + "/realms/" + realmName + "/protocol/openid-connect/auth?client_id="
                + OidcClient.CLIENT_ID + "&response_type=code&scope=openid&redirect_uri="
                + Http.encode(OidcClient.REDIRECT_URI) + OidcClient.pkceParameters() + extra;
    }

    /** A new realm {@code name} (replacing an earlier one) with an app-users component; returns the component's id. */
    String otherRealm(String name, Map<String, String> config) {
        realm.admin.deleteIfPresent("/" + name);
        realm.admin.createRealm(name);
        return realm.admin.addFederation(name, config);
    }

    static Map<String, String> writable(String schema, String... more) {
        Map<String, String> config = ItRealm.config("dbSchema", schema, "editMode", "WRITABLE", "syncRegistrations",
                "true", "deleteEnabled", "true", "userAttributeColumns", "token_count");
        for (int i = 0; i + 1 < more.length; i += 2) {
            config.put(more[i], more[i + 1]);
        }
        return config;
    }

    String keycloakId(String email) {
        return "f:" + componentId + ":" + SeedUsers.user(email).id();
    }

    /** One column of one user row, read straight from the app database. */
    Object column(String userId, String column) {
        try (Connection c = db().connectTo(schema); PreparedStatement s = c.prepareStatement(
                "SELECT " + column + " FROM " + db().userTable() + " WHERE id = ?")) {
            s.setObject(1, db().idValue(UUID.fromString(userId)));
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getObject(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    long count(String sql) {
        try (Connection c = db().connectTo(schema); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    boolean isTrue(Object value) {
        return value instanceof Boolean b ? b : ((Number) value).intValue() != 0;
    }

    Http.Response resetPassword(String realmName, String userId, String password) {
        return realm.admin.put("/" + realmName + "/users/" + userId + "/reset-password",
                Map.of("type", "password", "value", password, "temporary", false));
    }

    /** An admin creates an enabled user in {@code realmName} whose username and email are {@code email}. */
    Http.Response createUser(String realmName, String email, String password) {
        return realm.admin.post("/" + realmName + "/users", Map.of("username", email, "email", email, "enabled", true,
                "credentials", java.util.List.of(Map.of("type", "password", "value", password, "temporary", false))));
    }

    String adminToken() {
        Http.Response response = Http.send(java.net.http.HttpClient.newHttpClient(), Http.request(realm.server.baseUrl()
                        + "/realms/master/protocol/openid-connect/token")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(Http.form(Map.of("grant_type", "password",
                        "client_id", "admin-cli", "username", "admin", "password", "admin")))).build());
        return response.json().get("access_token").asText();
    }

    void updateUser(String id, java.util.function.Consumer<ObjectNode> change) {
        Http.Response response = updateUserResponse(id, change);
        assertThat(response.status()).as(response.body()).isEqualTo(204);
    }

    Http.Response updateUserResponse(String id, java.util.function.Consumer<ObjectNode> change) {
        ObjectNode user = (ObjectNode) realm.admin.getJson("/" + realm.name + "/users/" + id);
        change.accept(user);
        return realm.admin.put("/" + realm.name + "/users/" + id, user);
    }

    @AfterAll
    void logHoldsNoSecrets() {
        LogHygiene.assertNoSecretsIn(realm);
    }
}
