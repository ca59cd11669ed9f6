package dev.appusers.keycloak.scenarios.writable;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.appusers.keycloak.it.AdminClient;
import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.it.SeedUsers;

/**
 * WRITABLE changes the app's own constraints refuse: the admin is told which constraint or column and the SQLState,
 * and neither the answer nor Keycloak's log carries the row (PostgreSQL's "Failing row contains (...)" holds the
 * password hash and the email; MariaDB's duplicate-key text holds the value).
 */
@On.Postgres
@On.Mariadb
class RefusedWriteScenarios extends WritableFixture {

    @Override
    String fixtureName() {
        return "refusedwrite";
    }

    private String table() {
        return db().userTable();
    }

    @Test
    void checkAndNotNullViolationsNameTheConstraintButNeverTheRow() {
        db().executeIn(schema, "ALTER TABLE " + table() + " ADD CONSTRAINT no_forbidden_mail "
                + "CHECK (email NOT LIKE '%@forbidden.example');\n"
                + "UPDATE " + table() + " SET token_count = 0 WHERE token_count IS NULL;\n"
                + (db() == AppDb.POSTGRES ? "ALTER TABLE " + table() + " ALTER COLUMN token_count SET NOT NULL;\n"
                : "ALTER TABLE " + table() + " MODIFY token_count INTEGER NOT NULL;\n"));
        String hank = "f:" + componentId + ":" + HANK;
        String liam = "f:" + componentId + ":" + LIAM;
        long mark = realm.server.logMark();

        Http.Response check = realm.admin.put("/" + realm.name + "/users/" + hank,
                Map.of("email", "hank@forbidden.example"));
        com.fasterxml.jackson.databind.node.ObjectNode representation = (com.fasterxml.jackson.databind.node.ObjectNode)
                AdminClient.expect(realm.admin.get("/" + realm.name + "/users/" + liam), 200, "liam").json();
        ((com.fasterxml.jackson.databind.node.ObjectNode) representation.with("attributes")).putArray("token_count");
        Http.Response notNull = realm.admin.put("/" + realm.name + "/users/" + liam, representation);

        assertThat(check.status()).as(check.body()).isBetween(400, 499);
        assertThat(check.body()).doesNotContain("unknown_error");
        assertThat(notNull.status()).as(notNull.body()).isBetween(400, 499);
        assertThat(column(HANK.toString(), "email")).as("nothing written").isEqualTo("hank@example.com");
        assertThat(((Number) column(LIAM.toString(), "token_count")).intValue()).isEqualTo(5);
        String log = realm.server.logSince(mark);
        assertThat(log).as("the refused writes are logged")
                .contains("refused the change").contains("no_forbidden_mail").contains("column token_count");
        for (String leak : List.of(SeedUsers.DAVE_HASH, "hank@forbidden.example", "liam@example.com", "Failing row")) {
            assertThat(log).as("log after the refusals").doesNotContain(leak);
            assertThat(check.body() + notNull.body()).as("answers").doesNotContain(leak);
        }
        assertThat(realm.oidc.passwordGrant("hank@example.com", "dave-Secret-4").status())
                .as("the user still signs in").isEqualTo(200);
    }
}
