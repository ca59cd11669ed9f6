package dev.appusers.keycloak.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which failures of a MariaDB/MySQL prune mean "Keycloak's user may not delete there" (logged once, the prune not
 * tried again) rather than a passing failure (tried again at the next interval).
 */
class ChangePruneTest {

    @ParameterizedTest(name = "error {1}")
    @CsvSource({
        "42000, 1142, DELETE command denied to user 'kc'@'localhost' for table `app`.`app_users_changes`",
        "42000, 1143, SELECT command denied to user 'kc'@'localhost' for column 'seq' in table 'app_users_changes'",
        "42000, 1044, Access denied for user 'kc'@'%' to database 'app'",
    })
    void aRefusalForPrivilegesIsToldApart(String state, int code, String message) {
        assertThat(ChangePrune.refusedForPrivileges(new SQLSyntaxErrorException(message, state, code))).isTrue();
        SQLException wrapped = new SQLException("prune failed", new SQLSyntaxErrorException(message, state, code));
        assertThat(ChangePrune.refusedForPrivileges(wrapped)).as("as the cause of another").isTrue();
    }

    @ParameterizedTest(name = "error {1}")
    @CsvSource({
        "HY000, 1205, Lock wait timeout exceeded; try restarting transaction",
        "40001, 1213, Deadlock found when trying to get lock; try restarting transaction",
        "70100, 1317, Query execution was interrupted",
        "42S02, 1146, Table 'app.app_users_changes' doesn't exist",
        "HY000, 2013, Lost connection to server during query",
        "28000, 1045, Access denied for user 'kc'@'localhost' (using password: YES)",
    })
    void anyOtherFailureIsNot(String state, int code, String message) {
        assertThat(ChangePrune.refusedForPrivileges(new SQLException(message, state, code))).isFalse();
    }

    @Test
    void aFailureWithoutCodeIsNot() {
        assertThat(ChangePrune.refusedForPrivileges(new SQLException("closed"))).isFalse();
    }
}
