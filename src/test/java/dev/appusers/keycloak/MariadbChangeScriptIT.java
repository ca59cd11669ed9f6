package dev.appusers.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.appusers.keycloak.it.AppDb;

/**
 * {@link ChangeScriptScenarios} on MariaDB (REPEATABLE READ, the server's default): the app's tables in a database of
 * their own, the app connected with another database selected and naming its tables {@code <database>.user}. The
 * prune's plan is the EXPLAIN of the DELETE the installed procedure holds, and its reads are counted by the
 * session's handler counters while a trigger runs it.
 */
class MariadbChangeScriptIT extends ChangeScriptScenarios {

    static final String OTHER_DATABASE = AppDb.database("appusers_scripts_other");

    @BeforeAll
    static void createOtherDatabase() {
        AppDb.MARIADB.createEmpty(OTHER_DATABASE);
    }

    @Override
    AppDb db() {
        return AppDb.MARIADB;
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
    void thePruneReadsTheChangedAtIndexThenThePrimaryKey() throws SQLException {
        install();
        try (Connection c = appConnection()) {
            update(c, "INSERT INTO " + app + ".app_users_changes (user_id) SELECT NULL FROM seq_1_to_5000");
            addAgedRows(c, 600, 120);
            update(c, "ANALYZE TABLE " + app + ".app_users_changes");

            List<Map<String, String>> plan = explain(c, pruneStatement(c));
            System.out.printf("change script (MARIADB): the prune's plan%n%s%n", plan);
            assertThat(plan).as("no full scan").noneMatch(row -> "ALL".equals(row.get("type"))
                    && !row.get("table").startsWith("<derived"));
            assertThat(plan).anyMatch(row -> "range".equals(row.get("type"))
                    && "app_users_changes_changed_at".equals(row.get("key")));
            assertThat(plan).anyMatch(row -> "eq_ref".equals(row.get("type")) && "PRIMARY".equals(row.get("key")));

            // the rows a trigger's prune reads: a full scan of the 5,600 rows would count them in Handler_read_rnd_next
            while ((lastSeq(c) + 1) % PRUNE_EVERY != 0) {
                update(c, "INSERT INTO " + app + ".app_users_changes (user_id) VALUES (NULL)");
            }
            Map<String, Long> before = handlerReads(c);
            change(c, "alice@example.com");
            Map<String, Long> after = handlerReads(c);
            long scanned = after.get("Handler_read_rnd_next") - before.get("Handler_read_rnd_next");
            long byIndex = after.get("Handler_read_next") - before.get("Handler_read_next");
            System.out.printf("change script (MARIADB): a pruning change read %d rows by index, %d by scan "
                    + "(500 of them the derived table's)%n", byIndex, scanned);
            assertThat(count(c, "WHERE changed_at < CURRENT_TIMESTAMP - INTERVAL '90' MINUTE")).isEqualTo(100);
            assertThat(scanned).as("rows read by scans (the 500 ids the prune collected, no table scan)")
                    .isLessThan(1_000);
        }
    }

    /** The DELETE of the installed prune procedure, its variables replaced by what they hold. */
    private String pruneStatement(Connection c) throws SQLException {
        String body;
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT ROUTINE_DEFINITION FROM "
                + "information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '" + app + "' AND ROUTINE_NAME = "
                + "'app_users_changes_prune'")) {
            assertThat(r.next()).as("the prune procedure").isTrue();
            body = r.getString(1);
        }
        Matcher delete = Pattern.compile("(DELETE .*?);\\s*END", Pattern.DOTALL).matcher(body);
        assertThat(delete.find()).as("a DELETE in %s", body).isTrue();
        return delete.group(1).replaceAll("\\bcutoff\\b", "CURRENT_TIMESTAMP(3) - INTERVAL 3600 SECOND")
                .replaceAll("\\bnewest\\b", String.valueOf(Long.MAX_VALUE))
                .replaceAll("\\bapp_users_changes\\b", app + ".app_users_changes");
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

    private long lastSeq(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT MAX(seq) FROM " + app + ".app_users_changes")) {
            r.next();
            return r.getLong(1);
        }
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
