package dev.appusers.keycloak.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTimeoutException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.ModelException;

class DatabaseErrorsTest {

    private static final String HASH = "$argon2id$v=19$m=102400,t=2,p=8$8v7f+z9HKOWc837P+f//fw$V9RoecpgT24QbQKy7uNWgQ";

    @ParameterizedTest(name = "SQLState {0}, error {1}")
    @CsvSource({
        "55000, 0, 'FATAL: database \"app\" is not currently accepting connections'",
        "57P01, 0, FATAL: terminating connection due to administrator command",
        "57P03, 0, FATAL: the database system is starting up",
        "53300, 0, FATAL: too many connections for role \"kc\"",
        "28P01, 0, FATAL: password authentication failed for user \"kc\"",
        "28000, 0, FATAL: role \"kc\" is not permitted to log in",
        "3D000, 0, FATAL: database \"app\" does not exist",
        "08006, 0, An I/O error occurred while sending to the backend.",
        "08004, 1040, Too many connections",
        "28000, 1045, Access denied for user 'kc'@'localhost' (using password: YES)",
        "42000, 1049, Unknown database 'app'",
        "42000, 1226, User 'kc' has exceeded the 'max_user_connections' resource",
        "HY000, 2013, Lost connection to server during query",
    })
    void everyOutageFormIsAConnectionFailureThatKeycloakSeesAsAnUnavailableStore(String state, int code,
                                                                               String message) {
        SQLException e = new SQLException(message, state, code);

        assertThat(DatabaseErrors.isConnectionFailure(e)).isTrue();
        RuntimeException translated = DatabaseErrors.translate("looking up a user by email", e);
        assertThat(StoreUnavailable.is(translated)).as(translated.getClass().getName()).isTrue();
        assertThat(translated.getMessage()).contains("unavailable", "looking up a user by email", "SQLState " + state);
    }

    @Test
    void aConnectionFailureFoundAmongTheCausesCounts() {
        SQLException wrapped = new SQLException("Acquisition timeout", null, 0,
                new SQLException("FATAL: the database system is shutting down", "57P03"));

        assertThat(DatabaseErrors.isConnectionFailure(wrapped)).isTrue();
    }

    @ParameterizedTest(name = "SQLState {0}")
    @CsvSource({"23505, 0", "23502, 0", "23514, 0", "42P01, 0", "22P02, 0", "42000, 1064", "42S02, 1146"})
    void statementFailuresAreNotConnectionFailures(String state, int code) {
        assertThat(DatabaseErrors.isConnectionFailure(new SQLException("x", state, code))).isFalse();
    }

    @Test
    void aTriggersSignalIsAStatementFailureToldWithoutItsText() {
        // what MariaDB Connector/J 3.5.9 throws for SIGNAL SQLSTATE '45000' in a trigger (checked against MariaDB)
        SQLException e = new java.sql.SQLTransientConnectionException("(conn=24) refused for " + HASH, "45000", 1644);

        RuntimeException translated = DatabaseErrors.translate("rewriting a password hash", e);

        assertThat(DatabaseErrors.isConnectionFailure(e)).isFalse();
        assertThat(StoreUnavailable.is(translated)).isFalse();
        assertThat(translated.getMessage()).contains("rewriting a password hash", "45000").doesNotContain(HASH)
                .doesNotContain("refused");
    }

    @Test
    void checkViolationNamesTheConstraintAndNeverTheRow() {
        SQLException e = new SQLException("ERROR: new row for relation \"user\" violates check constraint "
                + "\"no_forbidden_mail\"\n  Detail: Failing row contains (6a1f0f3e, null, hank@forbidden.example, "
                + HASH + ", t, t, 5).", "23514");

        RuntimeException translated = DatabaseErrors.translate("changing an email", e);

        assertThat(translated).isExactlyInstanceOf(ModelException.class);
        assertThat(translated.getMessage()).contains("changing an email", "SQLState 23514", "no_forbidden_mail")
                .doesNotContain(HASH).doesNotContain("hank@forbidden.example").doesNotContain("Failing row");
        assertThat(translated.getCause()).as("no driver text through the cause either").isNull();
    }

    @Test
    void notNullViolationNamesTheColumn() {
        SQLException e = new SQLException("ERROR: null value in column \"token_count\" of relation \"user\" violates "
                + "not-null constraint\n  Detail: Failing row contains (" + HASH + ").", "23502");

        assertThat(DatabaseErrors.translate("changing attribute token_count", e).getMessage())
                .contains("SQLState 23502", "column token_count").doesNotContain(HASH);
    }

    @Test
    void mariadbDuplicateNamesTheKeyAndNeverTheValue() {
        SQLException e = new SQLException("(conn=42) Duplicate entry 'alice@example.com' for key 'email'", "23000",
                1062);

        RuntimeException translated = DatabaseErrors.translate("changing an email", e);

        assertThat(translated).isInstanceOf(ModelDuplicateException.class);
        assertThat(translated.getMessage()).contains("constraint email", "error 1062")
                .doesNotContain("alice@example.com");
    }

    @Test
    void otherFailuresCarryOnlyTheirCodes() {
        SQLException e = new SQLException("ERROR: invalid input syntax for type uuid: \"secret-ish input\"", "22P02");

        assertThat(DatabaseErrors.translate("searching users", e).getMessage())
                .isEqualTo("App database query failed (searching users; SQLState 22P02)");
    }

    @ParameterizedTest(name = "SQLState {0}, error {1}")
    @CsvSource({"42P01, 0", "42703, 0", "3F000, 0", "42S02, 1146", "42S22, 1054"})
    void aMappedTableOrColumnThatIsGoneMakesTheStoreUnavailable(String state, int code) {
        RuntimeException translated = DatabaseErrors.translate("looking up a user by email",
                new SQLException("relation \"user\" does not exist", state, code));

        assertThat(StoreUnavailable.is(translated)).isTrue();
        assertThat(translated.getMessage()).contains("no longer has a table or column", "SQLState " + state);
    }

    @Test
    void aStatementTimeoutIsAnUnavailableStore() {
        RuntimeException translated = DatabaseErrors.translate("counting users",
                new SQLTimeoutException("canceling statement due to user request", "57014"));

        assertThat(StoreUnavailable.is(translated)).isTrue();
        assertThat(translated.getMessage()).contains("queryTimeoutSeconds");
    }

    @Test
    void theServersWordsForAConnectionAreCutToTheirFirstLine() {
        SQLException e = new SQLException("FATAL: the database system is starting up\nDetail: more", "57P03");

        assertThat(DatabaseErrors.connectionProblem(e))
                .isEqualTo("SQLState 57P03: FATAL: the database system is starting up");
    }
}
