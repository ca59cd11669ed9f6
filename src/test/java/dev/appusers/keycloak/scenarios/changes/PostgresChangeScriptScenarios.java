package dev.appusers.keycloak.scenarios.changes;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.ChangeTableScript;
import dev.appusers.keycloak.it.On;

/**
 * {@link ChangeScriptScenarios} on PostgreSQL: the app's tables in schema {@code app} of a database of this class's
 * own, the app connected with the default search_path ({@code "$user", public}) and naming its tables
 * {@code app."user"}. The plan of the prune is the one PostgreSQL ran inside the trigger, sent back by auto_explain.
 */
@On.Postgres
class PostgresChangeScriptScenarios extends ChangeScriptScenarios {

    static final String DATABASE = AppDb.database("appusers_scripts");

    @BeforeAll
    static void createDatabase() {
        AppDb.POSTGRES.createEmpty(DATABASE);
    }

    @Override
    boolean triggersPrune() {
        return true;
    }

    @Override
    String createApp() {
        String fixture = "SET search_path TO app;\n" + AppDb.resource("schema-postgresql.sql")
                + AppDb.resource("seed-postgresql.sql");
        AppDb.POSTGRES.execute(DATABASE, "DROP SCHEMA IF EXISTS app CASCADE;\nCREATE SCHEMA app;\n" + fixture);
        return "app";
    }

    @Override
    Connection installConnection() throws SQLException {
        Connection c = AppDb.POSTGRES.connect(DATABASE);
        update(c, "SET search_path TO app");
        return c;
    }

    @Override
    Connection appConnection() throws SQLException {
        Connection c = AppDb.POSTGRES.connect(DATABASE);
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SHOW search_path")) {
            r.next();
            assertThat(r.getString(1)).as("the server's default search_path").doesNotContain("app");
        }
        return c;
    }

    @Override
    String userTable() {
        return "app.\"user\"";
    }

    @Override
    void takeNumbersInStepsOfTwo(Connection c) throws SQLException {
        update(c, "ALTER SEQUENCE app.app_users_changes_seq_seq INCREMENT BY 2");
        update(c, "SELECT setval('app.app_users_changes_seq_seq', (SELECT max(seq) FROM app.app_users_changes) | 1)");
    }

    @Override
    void setRetentionSeconds(int seconds) throws SQLException {
        try (Connection c = installConnection()) {
            update(c, "CREATE OR REPLACE FUNCTION app_users_changes_retention() RETURNS interval LANGUAGE sql STABLE"
                    + " AS $$ SELECT interval '" + seconds + " seconds' $$");
        }
    }

    @Override
    int retentionSeconds() throws SQLException {
        try (Connection c = appConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT extract(epoch FROM app.app_users_changes_retention())::int")) {
            r.next();
            return r.getInt(1);
        }
    }

    @Override
    void limitLockWaits(Connection c) throws SQLException {
        update(c, "SET lock_timeout = '5s'");
    }

    @Override
    List<String> indexedColumns() {
        return List.of("seq", "changed_at", "txid");
    }

    @Test
    void aPruneSkipsTheOldRowsATransactionInProgressHolds() throws SQLException {
        install();
        try (Connection open = appConnection(); Connection pruner = appConnection(); Connection other = appConnection()) {
            addAgedRows(other, 300, 120);
            open.setAutoCommit(false);
            limitLockWaits(open);
            update(open, "INSERT INTO " + app + ".app_users_changes (user_id, changed_at) VALUES (NULL, "
                    + "CURRENT_TIMESTAMP - INTERVAL '120' MINUTE)");
            update(open, "INSERT INTO " + app + ".app_users_changes (user_id) VALUES (NULL)");

            limitLockWaits(pruner);
            Pruning pruning = changeUntilPruned(pruner, "bob@example.com", 90);
            assertThat(pruning.slowestMillis()).as("slowest change while another transaction holds change rows")
                    .isLessThan(NO_WAIT_MILLIS);
            assertThat(count(other, "WHERE changed_at < CURRENT_TIMESTAMP - INTERVAL '90' MINUTE")).isZero();

            open.commit();
            assertThat(count(other, "WHERE changed_at < CURRENT_TIMESTAMP - INTERVAL '90' MINUTE"))
                    .as("the row in progress (a transaction open longer than the retention) was left to a later prune")
                    .isEqualTo(1);
        }
    }

    @Test
    void twoPrunersShareTheWorkWithoutWaitingForEachOther() throws SQLException {
        install();
        try (Connection first = appConnection(); Connection second = appConnection(); Connection other = appConnection()) {
            addAgedRows(other, 800, 120);
            first.setAutoCommit(false);
            limitLockWaits(first);
            changeUntilPruned(first, "alice@example.com", 90);
            assertThat(count(first, "WHERE changed_at < CURRENT_TIMESTAMP - INTERVAL '90' MINUTE"))
                    .as("the first prune's 500 oldest").isEqualTo(300);

            limitLockWaits(second);
            Pruning pruning = changeUntilPruned(second, "bob@example.com", 90);
            assertThat(pruning.slowestMillis()).as("slowest change while the first pruner's transaction is open")
                    .isLessThan(NO_WAIT_MILLIS);
            assertThat(count(second, "WHERE changed_at < CURRENT_TIMESTAMP - INTERVAL '90' MINUTE"))
                    .as("the second took the 300 the first left; the first's 500 are not committed yet").isEqualTo(500);

            limitLockWaits(other);
            long start = System.nanoTime();
            change(other, "carol@example.com");
            assertThat(millisSince(start)).as("a change while a pruner's transaction is open")
                    .isLessThan(NO_WAIT_MILLIS);

            first.commit();
            assertThat(count(other, "WHERE changed_at < CURRENT_TIMESTAMP - INTERVAL '90' MINUTE")).isZero();
        }
    }

    @Test
    void theUpgradedTableRecordsTheWritingTransaction() throws SQLException {
        try (Connection c = installConnection()) {
            ChangeTableScript.installPrevious(db(), c);
            change(c, "alice@example.com");
        }
        install();
        try (Connection c = appConnection()) {
            c.setAutoCommit(false);
            change(c, "bob@example.com");
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT txid, "
                    + "pg_current_xact_id()::text::bigint FROM app.app_users_changes ORDER BY seq DESC LIMIT 1")) {
                r.next();
                assertThat(r.getLong(1)).as("txid of the new row: this transaction's").isEqualTo(r.getLong(2));
            }
            c.commit();
        }
    }

    @Test
    void thePruneReadsTheChangedAtIndexThenThePrimaryKey() throws SQLException {
        install();
        try (Connection c = appConnection()) {
            update(c, "INSERT INTO app.app_users_changes (user_id) SELECT NULL FROM generate_series(1, 5000)");
            addAgedRows(c, 600, 120);
            update(c, "ANALYZE app.app_users_changes");
            update(c, "SELECT setval('app.app_users_changes_seq_seq', "
                    + "(SELECT (max(seq) / 101 + 1) * 101 - 1 FROM app.app_users_changes))");
            update(c, "LOAD 'auto_explain'");
            update(c, "SET auto_explain.log_min_duration = 0");
            update(c, "SET auto_explain.log_nested_statements = on");
            update(c, "SET auto_explain.log_level = notice");
            List<String> plans = new ArrayList<>();
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE app.\"user\" SET token_count = 1 WHERE email = 'alice@example.com'");
                for (SQLWarning w = s.getWarnings(); w != null; w = w.getNextWarning()) {
                    plans.add(w.getMessage());
                }
            }
            String prune = plans.stream().filter(p -> p.contains("DELETE FROM app_users_changes")).findFirst()
                    .orElseThrow(() -> new AssertionError("no prune among the plans: " + plans));
            System.out.printf("change script (POSTGRES): the prune's plan%n%s%n", prune);
            assertThat(prune).containsPattern("Index Scan (using|on) app_users_changes_changed_at")
                    .contains("Index Scan using app_users_changes_pkey on app_users_changes", "SKIP LOCKED")
                    .doesNotContain("Seq Scan");
            assertThat(count(c, "WHERE changed_at < CURRENT_TIMESTAMP - INTERVAL '90' MINUTE")).isEqualTo(100);
        }
    }
}
