package dev.appusers.keycloak.scenarios.changes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.jdbc.ChangePrune;
import dev.appusers.keycloak.jdbc.ChangeTable;

/**
 * {@link ChangeScriptScenarios} on MariaDB (REPEATABLE READ, the server's default): the app's tables in a database of
 * their own, the app connected with another database selected and naming its tables {@code <database>.user}. The
 * triggers never prune, so a change never waits for other transactions' change rows; Keycloak's prune
 * ({@link dev.appusers.keycloak.jdbc.ChangePrune#prune}) skips the rows others hold. Its plan is the EXPLAIN of its
 * SELECT, and its reads are counted by the session's handler counters while it runs.
 */
@On.Mariadb
class MariadbChangeScriptScenarios extends ChangeScriptScenarios {

    static final String OTHER_DATABASE = AppDb.database("appusers_scripts_other");

    @BeforeAll
    static void createOtherDatabase() {
        AppDb.MARIADB.createEmpty(OTHER_DATABASE);
    }

    @Override
    boolean triggersPrune() {
        return false;
    }

    @Override
    String createApp() {
        return AppDb.MARIADB.createFixtureSchema("scripts");
    }

    @Override
    Connection appConnection() throws SQLException {
        return AppDb.MARIADB.connect(OTHER_DATABASE);
    }

    @Override
    String userTable() {
        return app + ".user";
    }

    @Override
    void takeNumbersInStepsOfTwo(Connection c) throws SQLException {
        update(c, "SET SESSION auto_increment_increment = 2");
    }

    @Override
    void setRetentionSeconds(int seconds) throws SQLException {
        try (Connection c = installConnection()) {
            update(c, "DROP FUNCTION app_users_changes_retention_seconds");
            update(c, "CREATE FUNCTION app_users_changes_retention_seconds() RETURNS INT DETERMINISTIC NO SQL"
                    + " RETURN " + seconds);
        }
    }

    @Override
    int retentionSeconds() throws SQLException {
        try (Connection c = appConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT " + app + ".app_users_changes_retention_seconds()")) {
            r.next();
            return r.getInt(1);
        }
    }

    @Override
    void limitLockWaits(Connection c) throws SQLException {
        update(c, "SET SESSION innodb_lock_wait_timeout = 5");
    }

    @Override
    List<String> indexedColumns() {
        return List.of("seq", "changed_at");
    }

    @Test
    void aChangeNeverPrunesNorWaitsWhileOtherTransactionsHoldOldRowsOrHaveUncommittedChanges() throws SQLException {
        install();
        try (Connection holder = appConnection(); Connection open = appConnection(); Connection writer = appConnection();
             Connection other = appConnection()) {
            addAgedRows(other, 300, 120);
            addAgedRows(other, 50, 30);
            // the old rows held as a prune in progress holds them (READ COMMITTED, FOR UPDATE)
            holder.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            holder.setAutoCommit(false);
            limitLockWaits(holder);
            update(holder, "SELECT seq FROM " + app + ".app_users_changes WHERE changed_at < NOW(3) - INTERVAL 90 "
                    + "MINUTE ORDER BY changed_at LIMIT 500 FOR UPDATE");
            // change rows of a transaction in progress
            open.setAutoCommit(false);
            limitLockWaits(open);
            change(open, "carol@example.com");
            update(open, "INSERT INTO " + app + ".app_users_changes (user_id) VALUES (NULL)");

            limitLockWaits(writer);
            long slowest = 0;
            for (int changes = 0; changes < 2 * PRUNE_EVERY; changes++) {
                long start = System.nanoTime();
                change(writer, "bob@example.com");
                slowest = Math.max(slowest, millisSince(start));
            }
            System.out.printf("change script (MARIADB): slowest of %d changes while others hold change rows: %d ms%n",
                    2 * PRUNE_EVERY, slowest);
            assertThat(slowest).as("slowest change while other transactions hold change rows")
                    .isLessThan(NO_WAIT_MILLIS);
            assertThat(count(other, "WHERE changed_at < CURRENT_TIMESTAMP - INTERVAL '90' MINUTE"))
                    .as("the triggers never prune").isEqualTo(300);

            long start = System.nanoTime();
            assertThat(keycloakPrunes(writer)).as("Keycloak's prune skips the rows held").isZero();
            assertThat(millisSince(start)).as("and does not wait for them").isLessThan(NO_WAIT_MILLIS);

            holder.rollback();
            assertThat(keycloakPrunes(writer)).as("released: pruned").isEqualTo(300);
            open.commit();
            assertThat(count(other, "WHERE changed_at < CURRENT_TIMESTAMP - INTERVAL '20' MINUTE"))
                    .as("younger than the retention: kept").isEqualTo(50);
        }
    }

    @Test
    void twoKeycloakPrunesShareTheWorkWithoutWaitingForEachOther() throws SQLException {
        install();
        try (Connection first = appConnection(); Connection second = appConnection();
             Connection other = appConnection()) {
            addAgedRows(other, 800, 120);
            change(other, "alice@example.com");
            // the first prune, caught between its SELECT ... FOR UPDATE SKIP LOCKED and its commit
            first.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            first.setAutoCommit(false);
            limitLockWaits(first);
            update(first, "SELECT seq FROM " + app + ".app_users_changes WHERE changed_at < NOW(3) - INTERVAL 3600 "
                    + "SECOND ORDER BY changed_at LIMIT 500 FOR UPDATE SKIP LOCKED");

            limitLockWaits(second);
            long start = System.nanoTime();
            assertThat(keycloakPrunes(second)).as("the second takes the 300 the first left").isEqualTo(300);
            assertThat(millisSince(start)).as("without waiting for the first").isLessThan(NO_WAIT_MILLIS);
            first.rollback();
            assertThat(keycloakPrunes(second)).as("the first's 500, once it let go").isEqualTo(500);
            assertThat(count(other, "")).as("the newest row stays").isEqualTo(1);
        }
    }

    @Test
    void aUserWithoutDeleteIsRefusedForPrivilegesWhichKeycloakTellsApart() throws SQLException {
        install();
        String user = "appusers_nodelete" + System.getProperty("it.suffix", "");
        try (Connection c = installConnection()) {
            addAgedRows(c, 10, 120);
            change(c, "alice@example.com");
            update(c, "DROP USER IF EXISTS '" + user + "'@'%'");
            update(c, "CREATE USER '" + user + "'@'%'");
            update(c, "GRANT SELECT ON " + app + ".* TO '" + user + "'@'%'");
            update(c, "GRANT EXECUTE ON " + app + ".* TO '" + user + "'@'%'");
        }
        try (Connection c = java.sql.DriverManager.getConnection(AppDb.MARIADB.url(app), user, "")) {
            assertThatThrownBy(() -> keycloakPrunes(c)).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(ChangePrune.refusedForPrivileges((SQLException) e))
                            .as("%s (%d)", e.getMessage(), ((SQLException) e).getErrorCode()).isTrue());
            assertThat(c.getAutoCommit()).as("autocommit restored after the refusal").isTrue();
        } finally {
            try (Connection c = installConnection()) {
                update(c, "DROP USER IF EXISTS '" + user + "'@'%'");
            }
        }
        try (Connection c = appConnection()) {
            assertThat(count(c, "WHERE changed_at < CURRENT_TIMESTAMP - INTERVAL '90' MINUTE")).as("rolled back")
                    .isEqualTo(10);
        }
    }

    @Test
    void keycloaksPruneReadsTheChangedAtIndexThenThePrimaryKey() throws SQLException {
        install();
        try (Connection c = appConnection()) {
            update(c, "INSERT INTO " + app + ".app_users_changes (user_id) SELECT NULL FROM seq_1_to_5000");
            addAgedRows(c, 600, 120);
            update(c, "ANALYZE TABLE " + app + ".app_users_changes");

            // the SELECT of ChangePrune.prune, as it reaches the server
            List<Map<String, String>> plan = explain(c, "SELECT `seq` FROM `" + app + "`.`app_users_changes` WHERE "
                    + "`changed_at` < NOW(3) - INTERVAL 3600 SECOND AND `seq` < " + Long.MAX_VALUE
                    + " ORDER BY `changed_at` LIMIT 500 FOR UPDATE SKIP LOCKED");
            System.out.printf("change script (MARIADB): Keycloak's prune's plan%n%s%n", plan);
            assertThat(plan).as("no full scan").noneMatch(row -> "ALL".equals(row.get("type")));
            assertThat(plan).anyMatch(row -> "range".equals(row.get("type"))
                    && "app_users_changes_changed_at".equals(row.get("key")));

            // the rows the prune reads: a full scan of the 5,600 rows would count them in Handler_read_rnd_next
            ChangeTable table = changeTable(c);
            Duration retention = table.retention(c);
            Map<String, Long> before = handlerReads(c);
            assertThat(ChangePrune.prune(c, table, retention, Long.MAX_VALUE)).isEqualTo(500);
            Map<String, Long> after = handlerReads(c);
            long scanned = after.get("Handler_read_rnd_next") - before.get("Handler_read_rnd_next");
            long byIndex = after.get("Handler_read_next") - before.get("Handler_read_next");
            long byKey = after.get("Handler_read_key") - before.get("Handler_read_key");
            System.out.printf("change script (MARIADB): Keycloak's prune read %d rows by index range, %d by key, "
                    + "%d by scan%n", byIndex, byKey, scanned);
            assertThat(count(c, "WHERE changed_at < CURRENT_TIMESTAMP - INTERVAL '90' MINUTE")).isEqualTo(100);
            assertThat(scanned).as("rows read by scans: no table scan").isLessThan(1_000);
            assertThat(byIndex).as("rows read along the changed_at index: the 500 old ones, about").isLessThan(1_000);
        }
    }

    private static List<Map<String, String>> explain(Connection c, String sql) throws SQLException {
        List<Map<String, String>> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("EXPLAIN " + sql)) {
            while (r.next()) {
                Map<String, String> row = new HashMap<>();
                for (String column : List.of("table", "type", "key")) {
                    row.put(column, String.valueOf(r.getString(column)));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static Map<String, Long> handlerReads(Connection c) throws SQLException {
        Map<String, Long> reads = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SHOW SESSION STATUS LIKE 'Handler_read%'")) {
            while (r.next()) {
                reads.put(r.getString(1), r.getLong(2));
            }
        }
        return reads;
    }
}
