package dev.appusers.keycloak.scenarios.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.LogHygiene;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.it.Target;

/** The admin console's form for the provider, and the check of every saved setting against the live database. */
@On.Postgres
@On.Mariadb
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConfigScenarios {

    /** The app database of the target this class runs on. */
    AppDb db() {
        return Target.current().db();
    }

    ItRealm realm;

    @BeforeAll
    void setUp() {
        realm = ItRealm.create(getClass());
    }

    private Http.Response save(String... config) {
        return realm.admin.createFederation(realm.name, "app-users-" + UUID.randomUUID(), ItRealm.config(config));
    }

    private static String error(Http.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        return response.json().get("errorMessage").asText();
    }

    @Test
    void formOffersEveryKeyWithLabelHelpTextAndLitestarDefault() {
        JsonNode providers = realm.admin.serverInfo().get("componentTypes").get("org.keycloak.storage.UserStorageProvider");
        JsonNode appUsers = null;
        for (JsonNode provider : providers) {
            if (provider.get("id").asText().equals("app-users")) {
                appUsers = provider;
            }
        }
        assertThat(appUsers).as("app-users among %s", providers).isNotNull();
        Map<String, JsonNode> properties = new HashMap<>();
        appUsers.get("properties").forEach(p -> properties.put(p.get("name").asText(), p));

        Map<String, String> defaults = Map.of("userTable", "user", "userIdColumn", "id", "usernameColumn", "email",
                "emailColumn", "email", "passwordHashColumn", "password_hash", "enabledColumn", "is_active",
                "emailVerifiedColumn", "is_verified", "editMode", "READ_ONLY");
        assertThat(properties).containsKeys("userTable", "userIdColumn", "usernameColumn", "emailColumn",
                "passwordHashColumn", "enabledColumn", "emailVerifiedColumn", "firstNameColumn", "lastNameColumn",
                "dbSchema", "editMode");
        properties.forEach((name, property) -> {
            assertThat(property.path("label").asText()).as(name).isNotBlank();
            assertThat(property.path("helpText").asText()).as(name).isNotBlank();
        });
        defaults.forEach((name, value) -> assertThat(properties.get(name).path("defaultValue").asText()).as(name)
                .isEqualTo(value));
    }

    /**
     * The PostgreSQL server leaves {@code appdb} out of Keycloak's readiness check as the README says; the MariaDB server
     * does not ({@link ItRealm#healthOptions}): there Save shows what follows and which option prevents it, and the log
     * warns once however many components are saved.
     */
    @Test
    void saveShowsWhetherKeycloaksReadinessFollowsTheAppDatabase() {
        List<String> statuses = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Http.Response saved = save();
            assertThat(saved.status()).as(saved.body()).isEqualTo(201);
            String id = saved.header("Location").replaceAll(".*/", "");
            statuses.add(realm.admin.component(realm.name, id).path("config").path("readiness").path(0).asText());
        }
        long warnings = realm.server.log().lines()
                .filter(l -> l.contains(" WARN ") && l.contains("Keycloak's readiness follows the app database"))
                .count();

        if (db() == AppDb.MARIADB) {
            assertThat(statuses).allSatisfy(status -> assertThat(status)
                    .startsWith("follows the app database: while datasource appdb is unreachable, Keycloak's "
                            + "/health/ready answers 503 DOWN")
                    .contains("db-health-exclude-appdb=true"));
            assertThat(warnings).as("WARN lines in the server's log").isEqualTo(1);
        } else {
            assertThat(statuses).allSatisfy(status -> assertThat(status)
                    .startsWith("independent of the app database: datasource appdb is left out"));
            assertThat(warnings).as("WARN lines in the server's log").isZero();
        }
    }

    @Test
    void missingColumnIsRefusedNamingTheColumnsThereAre() {
        String message = error(save("passwordHashColumn", "password_hsh"));

        assertThat(message).startsWith("passwordHashColumn: column password_hsh not found in table user; columns are: ")
                .contains("id", "email", "password_hash", "is_active", "is_verified", "token_count");
    }

    @Test
    void missingTableIsRefusedNamingTheTablesThereAre() {
        String message = error(save("userTable", "users"));

        assertThat(message).contains("userTable: table users not found").contains("user_role", "role");
    }

    @Test
    void missingSchemaIsRefused() {
        assertThat(error(save("dbSchema", "no_such_schema"))).contains("dbSchema: schema no_such_schema not found");
    }

    @ParameterizedTest
    @ValueSource(strings = {"user\"; DROP TABLE role; --", "user`", "user /* x */", "us'er", "user;"})
    void identifierWithQuotesSemicolonsOrCommentsIsRefused(String table) {
        assertThat(error(save("userTable", table))).contains("userTable: '" + table + "' is not a table or column name");
    }

    @Test
    void namesAreMatchedIgnoringCase() {
        assertThat(save("userTable", "USER", "emailColumn", "EMAIL").status()).isEqualTo(201);
    }

    @Test
    void unknownEditModeIsRefused() {
        assertThat(error(save("editMode", "ANYTHING"))).contains("editMode: 'ANYTHING' is not supported");
    }

    @Test
    void componentSavedWithoutImportEnabledIsStoredAsLiveFederation() {
        Http.Response saved = save();
        String location = saved.header("Location");

        JsonNode component = realm.admin.component(realm.name, location.substring(location.lastIndexOf('/') + 1));

        assertThat(component.get("config").get("importEnabled").get(0).asText()).isEqualTo("false");
        realm.admin.deleteOk("/" + realm.name + "/components/" + component.get("id").asText());
    }

    @Test
    void importIsSavedWithWritableAndChangedSyncNeedsATimestampColumn() {
        Http.Response writable = save("importEnabled", "true", "editMode", "WRITABLE");
        assertThat(writable.status()).as(writable.body()).isEqualTo(201);
        String location = writable.header("Location");
        realm.admin.deleteOk("/" + realm.name + "/components/" + location.substring(location.lastIndexOf('/') + 1));
        assertThat(error(save("importEnabled", "true", "changedSyncPeriod", "60")))
                .contains("Periodic changed users sync needs lastModifiedColumn");
        assertThat(error(save("importEnabled", "true", "lastModifiedColumn", "email")))
                .contains("lastModifiedColumn: column email is").contains("not a timestamp");
        assertThat(error(save("importEnabled", "true", "lastModifiedColumn", "changed_at")))
                .contains("lastModifiedColumn");
    }

    @Test
    void updateWithABadSettingIsRefusedAndTheOldOneKept() {
        String id = realm.admin.addFederation(realm.name, ItRealm.config("emailColumn", "email"));
        JsonNode component = realm.admin.component(realm.name, id);
        ((com.fasterxml.jackson.databind.node.ObjectNode) component.get("config"))
                .set("emailColumn", Http.JSON.valueToTree(List.of("mail")));

        Http.Response response = realm.admin.put("/" + realm.name + "/components/" + id, component);

        assertThat(error(response)).contains("emailColumn: column mail not found in table user");
        assertThat(realm.admin.component(realm.name, id).get("config").get("emailColumn").get(0).asText())
                .isEqualTo("email");
        realm.admin.deleteOk("/" + realm.name + "/components/" + id);
    }

    @Test
    void idsStoredAsCharacterColumnsAreCanonicalUuids() {
        String schema = db().createFixtureSchema("charids");
        db().executeIn(schema, """
                CREATE TABLE hex_user (id CHAR(32) PRIMARY KEY, email VARCHAR(320) NOT NULL, password_hash VARCHAR(1024),
                  is_active BOOLEAN NOT NULL, is_verified BOOLEAN NOT NULL);
                INSERT INTO hex_user VALUES ('B7BF2D6FB374569FBDDD3B5102BDE3B0', 'hex@example.com',
                  '$2y$10$SaI5xdjfcTAb/eutsWCVCefOtgLc2wAi3cGRp7y4FI3iBuAqKth6e', true, true);
                CREATE TABLE text_user (id CHAR(36) PRIMARY KEY, email VARCHAR(320) NOT NULL, password_hash VARCHAR(1024),
                  is_active BOOLEAN NOT NULL, is_verified BOOLEAN NOT NULL);
                INSERT INTO text_user VALUES ('2ef14d67-ab1a-546c-a787-c0e647f469a3', 'text@example.com',
                  '$2y$10$SaI5xdjfcTAb/eutsWCVCefOtgLc2wAi3cGRp7y4FI3iBuAqKth6e', true, true);
                """);
        for (String[] table : List.of(new String[] {"hex_user", "hex@example.com", "b7bf2d6f-b374-569f-bddd-3b5102bde3b0"},
                new String[] {"text_user", "text@example.com", "2ef14d67-ab1a-546c-a787-c0e647f469a3"})) {
            String otherRealm = realm.name + "_" + table[0];
            realm.admin.deleteIfPresent("/" + otherRealm);
            realm.admin.createRealm(otherRealm);
            String component = realm.admin.addFederation(otherRealm,
                    ItRealm.config("dbSchema", schema, "userTable", table[0]));

            JsonNode claims = new OidcClient(realm.server, otherRealm).accessTokenClaims(table[1], "dave-Secret-4");

            assertThat(claims.get("sub").asText()).isEqualTo("f:" + component + ":" + table[2]);
            assertThat(realm.admin.get("/" + otherRealm + "/users/" + claims.get("sub").asText()).status())
                    .isEqualTo(200);
        }
    }

    @Test
    void idColumnThatHoldsNoUuidIsRefused() {
        assertThat(error(save("userIdColumn", "token_count"))).contains("userIdColumn").contains("cannot hold the app's UUID");
    }

    @org.junit.jupiter.api.AfterAll
    void logHoldsNoSecrets() {
        LogHygiene.assertNoSecretsIn(realm);
    }
}
