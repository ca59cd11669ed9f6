package dev.appusers.keycloak.scenarios.writable;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.AppPython;
import dev.appusers.keycloak.it.ConcurrentRequests;
import dev.appusers.keycloak.it.ConcurrentRequests.Call;
import dev.appusers.keycloak.it.ConcurrentRequests.Outcome;
import dev.appusers.keycloak.it.DbActivity;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.LogHygiene;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.it.SeedUsers;
import dev.appusers.keycloak.it.Target;

/**
 * WRITABLE mode under load: 50 admin requests sent at the same instant (password resets, attribute edits, app role
 * grants) on one contended user and on four others. Every request is answered without a server error, the app's tables
 * end in a state some order of the requests explains, and no transaction or lock is left on the app database.
 */
@On.Postgres
@On.Mariadb
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConcurrencyScenarios {

    /** The app database of the target this class runs on. */
    AppDb db() {
        return Target.current().db();
    }

    /** The contended user gets 26 of the 50 requests; the others 6 each. */
    static final UUID SAME = UUID.fromString("c0000000-0000-4000-8000-000000000000");
    static final List<UUID> OTHERS = List.of(UUID.fromString("c1000000-0000-4000-8000-000000000001"),
            UUID.fromString("c2000000-0000-4000-8000-000000000002"),
            UUID.fromString("c3000000-0000-4000-8000-000000000003"),
            UUID.fromString("c4000000-0000-4000-8000-000000000004"));
    /** App roles each user is granted (with repeats: the same grant sent several times at once). */
    static final Map<UUID, List<String>> GRANTS = Map.of(
            SAME, List.of("admin", "admin", "admin", "editor", "editor", "editor", "viewer", "viewer", "viewer"),
            OTHERS.get(0), List.of("admin", "admin", "viewer"),
            OTHERS.get(1), List.of("editor", "editor", "admin"),
            OTHERS.get(2), List.of("viewer", "viewer", "editor"),
            OTHERS.get(3), List.of("admin", "admin", "editor"));
    static final Map<UUID, Integer> RESETS = Map.of(SAME, 9, OTHERS.get(0), 1, OTHERS.get(1), 1, OTHERS.get(2), 1,
            OTHERS.get(3), 1);
    static final Map<UUID, Integer> EDITS = Map.of(SAME, 8, OTHERS.get(0), 2, OTHERS.get(1), 2, OTHERS.get(2), 2,
            OTHERS.get(3), 2);

    ItRealm realm;
    String schema;
    String componentId;

    @BeforeAll
    void setUp() {
        realm = ItRealm.create(getClass());
        schema = db().createFixtureSchema("concurrency");
        for (UUID id : users()) {
            db().insertUser(schema, id, email(id), SeedUsers.DAVE_HASH, true, true);
        }
        componentId = realm.admin.addFederation(realm.name, WritableFixture.writable(schema));
    }

    static List<UUID> users() {
        List<UUID> users = new ArrayList<>(List.of(SAME));
        users.addAll(OTHERS);
        return users;
    }

    static String email(UUID id) {
        return "concurrent-" + id.toString().substring(0, 2) + "@example.com";
    }

    static String password(UUID id, int i) {
        return "Concurrent-" + id.toString().substring(0, 2) + "-Secret-" + i;
    }

    static int tokenCount(UUID id, int i) {
        return 1000 * (OTHERS.indexOf(id) + 2) + i;
    }

    private String keycloakId(UUID id) {
        return "f:" + componentId + ":" + id;
    }

    @Test
    void fiftyConcurrentResetsEditsAndGrantsLeaveAConsistentState() throws Exception {
        List<Call> calls = calls();
        assertThat(calls).hasSize(50);

        List<Outcome> outcomes = ConcurrentRequests.sendAtOnce(calls, 180);

        System.out.printf("%s: %d concurrent requests, statuses %s, slowest %d ms%n", getClass().getSimpleName(),
                outcomes.size(), statuses(outcomes), outcomes.stream().mapToLong(Outcome::millis).max().orElse(0));
        assertThat(outcomes).as("no server error").noneMatch(o -> o.status() >= 500);
        assertThat(outcomes).as("every request succeeded").allMatch(o -> o.status() == 204);

        assertThat(duplicateUserRoles()).as("no duplicate user_role row").isEmpty();
        Map<String, Set<String>> granted = userRoles();
        for (UUID id : users()) {
            assertThat(granted.get(email(id))).as("app roles of %s: every grant, once", email(id))
                    .isEqualTo(new TreeSet<>(GRANTS.get(id)));

            List<Integer> written = new ArrayList<>();
            for (int i = 0; i < EDITS.get(id); i++) {
                written.add(tokenCount(id, i));
            }
            assertThat(((Number) column(id, "token_count")).intValue()).as("token_count of %s", email(id))
                    .isIn(written);

            String hash = (String) column(id, "password_hash");
            List<String> verified = new ArrayList<>();
            for (int i = 0; i < RESETS.get(id) && verified.isEmpty(); i++) {
                if (AppPython.verifies("argon2", password(id, i), hash)) {
                    verified.add(password(id, i));
                }
            }
            assertThat(verified).as("the hash of %s is one of the passwords set", email(id)).hasSize(1);
            Http.Response login = realm.oidc.passwordGrant(email(id), verified.get(0));
            assertThat(login.status()).as("%s signs in with the last password written: %s", email(id), login.body())
                    .isEqualTo(200);
            assertThat(Http.texts(realm.oidc.accessTokenClaims(email(id), verified.get(0)).path("realm_access")
                    .path("roles"))).as("roles in the token of %s", email(id)).containsAll(GRANTS.get(id));
        }

        assertThat(DbActivity.openTransactionsAfterSettling(db())).as("transactions or locks left on the app database")
                .isEmpty();
        assertThat(DbActivity.rowsUnlocked(db(), schema, db().userTable(), "user_role"))
                .as("no row of user or user_role still locked (FOR UPDATE NOWAIT succeeds)").isTrue();
    }

    /** The 50 requests, shuffled (with a fixed seed) so each kind of write races the others. */
    private List<Call> calls() {
        Map<String, JsonNode> roles = new LinkedHashMap<>();
        for (String role : List.of("admin", "editor", "viewer")) {
            roles.put(role, realm.admin.getJson("/" + realm.name + "/roles/" + role));
        }
        List<Call> calls = new ArrayList<>();
        for (UUID id : users()) {
            String path = "/" + realm.name + "/users/" + keycloakId(id);
            JsonNode representation = realm.admin.getJson(path);
            for (int i = 0; i < RESETS.get(id); i++) {
                String password = password(id, i);
                calls.add(new Call("reset-password", email(id), "#" + i, () -> realm.admin.put(path + "/reset-password",
                        Map.of("type", "password", "value", password, "temporary", false))));
            }
            for (int i = 0; i < EDITS.get(id); i++) {
                ObjectNode edited = representation.deepCopy();
                edited.with("attributes").set("token_count", Http.JSON.valueToTree(List.of(String.valueOf(
                        tokenCount(id, i)))));
                calls.add(new Call("edit-attribute", email(id), String.valueOf(tokenCount(id, i)),
                        () -> realm.admin.put(path, edited)));
            }
            for (String role : GRANTS.get(id)) {
                calls.add(new Call("grant-role", email(id), role, () -> realm.admin.post(path
                        + "/role-mappings/realm", List.of(roles.get(role)))));
            }
        }
        Collections.shuffle(calls, new Random(7));
        return calls;
    }

    private static Map<String, Map<Integer, Long>> statuses(List<Outcome> outcomes) {
        Map<String, Map<Integer, Long>> statuses = new TreeMap<>();
        for (Outcome o : outcomes) {
            statuses.computeIfAbsent(o.call().kind(), k -> new TreeMap<>()).merge(o.status(), 1L, Long::sum);
        }
        return statuses;
    }

    private String roleTable() {
        return db() == AppDb.POSTGRES ? "role" : "`role`";
    }

    private List<String> duplicateUserRoles() {
        return strings("SELECT CONCAT(u.email, ' ', r.name, ' x', COUNT(*)) FROM user_role ur JOIN " + db().userTable()
                + " u ON u.id = ur.user_id JOIN " + roleTable() + " r ON r.id = ur.role_id"
                + " GROUP BY u.email, r.name HAVING COUNT(*) > 1");
    }

    /** The app role names of every user, from user_role joined to role. */
    private Map<String, Set<String>> userRoles() {
        Map<String, Set<String>> roles = new TreeMap<>();
        for (UUID id : users()) {
            roles.put(email(id), new TreeSet<>());
        }
        for (String pair : strings("SELECT CONCAT(u.email, ' ', r.name) FROM user_role ur JOIN " + db().userTable()
                + " u ON u.id = ur.user_id JOIN " + roleTable() + " r ON r.id = ur.role_id")) {
            String[] parts = pair.split(" ");
            roles.computeIfAbsent(parts[0], k -> new TreeSet<>()).add(parts[1]);
        }
        return roles;
    }

    private List<String> strings(String sql) {
        List<String> values = new ArrayList<>();
        try (Connection c = db().connectTo(schema); ResultSet rs = c.createStatement().executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return values;
    }

    private Object column(UUID id, String column) {
        try (Connection c = db().connectTo(schema); var s = c.prepareStatement(
                "SELECT " + column + " FROM " + db().userTable() + " WHERE id = ?")) {
            s.setObject(1, db().idValue(id));
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getObject(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    void logHoldsNoSecrets() {
        LogHygiene.assertNoSecretsIn(realm);
    }
}
