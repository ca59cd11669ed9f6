package dev.appusers.keycloak.scenarios.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import dev.appusers.keycloak.it.AdminClient;
import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.KcCommand;
import dev.appusers.keycloak.it.KeycloakServer;
import dev.appusers.keycloak.it.LogHygiene;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.it.SeedUsers;

/**
 * A realm federating the app, moved with Keycloak's command line: {@code kc.sh export --realm --file} with the server
 * stopped (Keycloak in production mode, its own database on PostgreSQL), then a fresh Keycloak on a database of its
 * own that imports the file at start ({@code --import-realm}) with the same {@code appdb} datasource. The file keeps
 * the component and the Keycloak-side data of app users, and nothing of the app's: no user rows, no hashes, no
 * datasource settings. The app's users sign in on the new server with their app passwords.
 */
@On.Production
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealmExportScenarios {

    private static final String KEYCLOAK_ONLY_ROLE = "support";

    final AppDb db = AppDb.POSTGRES;
    ItRealm realm;
    String schema;
    String componentId;
    JsonNode exported;
    String exportedText;
    KeycloakServer shared;
    KeycloakServer fresh;
    Path exportLog;

    @BeforeAll
    void setUp() throws IOException {
        realm = ItRealm.create(getClass());
        shared = realm.server;
        schema = db.createFixtureSchema("export");
        componentId = realm.admin.addFederation(realm.name, ItRealm.config("dbSchema", schema, "cachePolicy",
                "DEFAULT", "userAttributeColumns", "token_count"));
        // Keycloak-side data of app users: a session, and a Keycloak-only role granted to bob
        AdminClient.expect(realm.oidc.passwordGrant("alice@example.com", "alice-Secret-1"), 200, "alice signs in");
        AdminClient.expect(realm.admin.post("/" + realm.name + "/roles", Map.of("name", KEYCLOAK_ONLY_ROLE)), 201,
                "create role " + KEYCLOAK_ONLY_ROLE);
        JsonNode role = AdminClient.expect(realm.admin.get("/" + realm.name + "/roles/" + KEYCLOAK_ONLY_ROLE), 200,
                "read role").json();
        AdminClient.expect(realm.admin.post("/" + realm.name + "/users/" + userId("bob@example.com")
                + "/role-mappings/realm", List.of(role)), 204, "grant " + KEYCLOAK_ONLY_ROLE + " to bob");

        Path dir = Path.of("target", "realm-export").toAbsolutePath();
        KeycloakServer.deleteRecursively(dir);
        Files.createDirectories(dir);
        Path file = dir.resolve(realm.name + "-realm.json");
        exportLog = dir.resolve("kc-export.log");
        shared.stop();
        KcCommand.run(shared, exportLog, "export", "--realm", realm.name, "--file", file.toString());
        exportedText = Files.readString(file);
        exported = Http.JSON.readTree(exportedText);
        fresh = startFreshServerImporting(file);
    }

    /**
     * A second Keycloak from the same distribution and build, on a new, empty database of its own, importing the
     * file at its first start.
     */
    private KeycloakServer startFreshServerImporting(Path file) throws IOException {
        String database = AppDb.database("keycloak_import_it");
        db.createEmpty(database);
        Path imports = shared.distribution().resolve("data/import");
        KeycloakServer.deleteRecursively(imports);
        Files.createDirectories(imports);
        Files.copy(file, imports.resolve(file.getFileName()));
        List<String> options = new ArrayList<>();
        for (String option : shared.options()) {
            options.add(option.startsWith("--db-url=") ? "--db-url=" + db.url(database) : option);
        }
        options.add("--import-realm");
        Path log = Path.of("target", "keycloak-realm-import.log").toAbsolutePath();
        try {
            return KeycloakServer.startBuilt(shared.distribution(), options, "realm-import", log,
                    ProcessBuilder.Redirect.to(log.toFile()), KeycloakServer.freePort(), KeycloakServer.freePort());
        } finally {
            KeycloakServer.deleteRecursively(imports);
        }
    }

    private String userId(String email) {
        return "f:" + componentId + ":" + SeedUsers.user(email).id();
    }

    @Test
    void exportKeepsTheComponentAndItsSettings() {
        JsonNode component = appUsersComponent(exported);

        assertThat(component.path("id").asText()).isEqualTo(componentId);
        assertThat(component.at("/config/dbSchema/0").asText()).isEqualTo(schema);
        assertThat(component.at("/config/cachePolicy/0").asText()).isEqualTo("DEFAULT");
        assertThat(component.at("/config/userAttributeColumns/0").asText()).isEqualTo("token_count");
        List<String> keys = new ArrayList<>();
        component.get("config").fieldNames().forEachRemaining(keys::add);
        assertThat(keys).as("no connection setting in the component: the datasource is Keycloak's")
                .noneMatch(k -> k.matches("(?i).*(password|secret|jdbc|url|datasource).*"));
        assertThat(exportedText).doesNotContain("jdbc:");
    }

    @Test
    void exportHoldsNoAppUserAndNoSecret() throws SQLException {
        assertThat(exported.path("users").size()).as("users exported as Keycloak's own: %s", exported.path("users"))
                .isZero();
        List<String> secrets = new ArrayList<>(LogHygiene.secrets());
        secrets.addAll(appHashes());
        assertThat(secrets).as("the app's hashes").hasSizeGreaterThan(LogHygiene.secrets().size());
        for (String secret : secrets) {
            assertThat(exportedText).as("the export must not hold a password or an app hash").doesNotContain(secret);
        }
        assertThat(exportedText).doesNotContain("$argon2").doesNotContain("$2b$");
    }

    @Test
    void exportKeepsKeycloaksOwnDataOfAnAppUserWithoutCredentials() {
        JsonNode bob = null;
        for (JsonNode user : exported.path("federatedUsers")) {
            if (userId("bob@example.com").equals(user.path("id").asText())) {
                bob = user;
            }
        }
        assertThat(bob).as("bob's Keycloak-side data in federatedUsers: %s", exported.path("federatedUsers"))
                .isNotNull();
        assertThat(Http.texts(bob.path("realmRoles"))).contains(KEYCLOAK_ONLY_ROLE)
                .as("the app's roles stay the app's").doesNotContain("editor");
        assertThat(bob.path("credentials").size()).as("no credential of an app user").isZero();
    }

    @Test
    void appUsersSignInOnTheFreshServerWithTheirAppPasswordsAndRoles() {
        AdminClient admin = new AdminClient(fresh);
        JsonNode found = AdminClient.expect(admin.get("/" + realm.name + "/users?search=alice@example.com"), 200,
                "search alice").json();
        assertThat(found.size()).as(found.toString()).isEqualTo(1);
        assertThat(found.get(0).path("federationLink").asText()).as("alice is the app's, not a local user")
                .isEqualTo(componentId);

        OidcClient oidc = new OidcClient(fresh, realm.name);
        Http.Response alice = oidc.passwordGrant("alice@example.com", "alice-Secret-1");
        assertThat(alice.status()).as(alice.body()).isEqualTo(200);
        assertThat(Http.texts(OidcClient.claims(alice.json().get("access_token").asText()).at("/realm_access/roles")))
                .contains("admin", "editor");
        Http.Response bob = oidc.passwordGrant("bob@example.com", "bob-Secret-2");
        assertThat(bob.status()).as(bob.body()).isEqualTo(200);
        assertThat(Http.texts(OidcClient.claims(bob.json().get("access_token").asText()).at("/realm_access/roles")))
                .as("the app's role and the Keycloak-only role imported").contains("editor", KEYCLOAK_ONLY_ROLE);
        assertThat(OidcClient.REFUSED).contains(oidc.passwordGrant("alice@example.com", "wrong-Secret-1").status());
    }

    private static JsonNode appUsersComponent(JsonNode realm) {
        for (JsonNode component : realm.at("/components/org.keycloak.storage.UserStorageProvider")) {
            if ("app-users".equals(component.path("providerId").asText())) {
                return component;
            }
        }
        throw new AssertionError("no app-users component in " + realm.path("components"));
    }

    /** The hashes in the app's user table. */
    private List<String> appHashes() throws SQLException {
        List<String> hashes = new ArrayList<>();
        try (Connection c = db.connectTo(schema); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT password_hash FROM " + db.userTable()
                     + " WHERE password_hash IS NOT NULL")) {
            while (rows.next()) {
                hashes.add(rows.getString(1));
            }
        }
        return hashes;
    }

    @AfterAll
    void tearDown() throws IOException {
        try {
            if (fresh != null) {
                fresh.stop();
                LogHygiene.assertNoSecretsInWholeLog(fresh);
            }
            if (exportLog != null && Files.exists(exportLog)) {
                String log = Files.readString(exportLog);
                for (String secret : LogHygiene.secrets()) {
                    assertThat(log).as("kc.sh export's output").doesNotContain(secret);
                }
            }
        } finally {
            if (shared != null) {
                // the next production-mode test classes go on with the shared server, started again without a build
                shared.restart();
            }
        }
    }
}
