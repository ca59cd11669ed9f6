package dev.appusers.keycloak.scenarios.changes;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.keycloak.component.ComponentModel;

import dev.appusers.keycloak.config.AppUsersConfig;
import dev.appusers.keycloak.config.ConfigKeys;
import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.ChangeTableScript;
import dev.appusers.keycloak.it.Target;
import dev.appusers.keycloak.jdbc.ChangePrune;
import dev.appusers.keycloak.jdbc.ChangeTable;

/**
 * The change-feed scripts the jar ships ({@code sql/app-users-changes-*.sql}), run as an app's DBA runs them, against
 * the real database, without Keycloak: the triggers work for an app that connects outside the schema of its tables;
 * running the script again upgrades the previous version's table in place and keeps its rows and an edited retention;
 * the prune follows the retention, does not wait for the new change rows of transactions in progress, keeps the
 * newest row, and still runs when numbers come in steps of two. On PostgreSQL the triggers prune; on MariaDB they
 * never do (the app's transactions never prune, so never wait), and the prune is Keycloak's own
 * ({@link ChangePrune#prune}, run here directly on the script's table, as a feed that has seen every row runs it).
 */
abstract class ChangeScriptScenarios {

    /** Whatever the step, a prune runs within this many changes (the PostgreSQL triggers prune at multiples of 101). */
    static final int PRUNE_EVERY = 101;
    /** How long a change that prunes may take while other transactions hold change rows. */
    static final long NO_WAIT_MILLIS = 1_000;

    /** The app database of the target this class runs on. */
    AppDb db() {
        return Target.current().db();
    }

    /** Whether the script's triggers prune the table (PostgreSQL), or Keycloak's feed does (MariaDB/MySQL). */
    abstract boolean triggersPrune();

    /** A fresh copy of the app's tables. @return the schema (PostgreSQL) or database (MariaDB) that holds them */
    abstract String createApp();

    /** A connection as the app's own: PostgreSQL's default search_path, or another MariaDB database selected. */
    abstract Connection appConnection() throws SQLException;

    /** The user table, qualified with {@link #app}. */
    abstract String userTable();

    /** Makes {@code c}'s next change rows take every second number. */
    abstract void takeNumbersInStepsOfTwo(Connection c) throws SQLException;

    /** Edits the retention function as an operator would. */
    abstract void setRetentionSeconds(int seconds) throws SQLException;

    abstract int retentionSeconds() throws SQLException;

    /** A wait for a lock on {@code c} fails after a few seconds instead of waiting for the other transaction. */
    abstract void limitLockWaits(Connection c) throws SQLException;

    /** The columns the script's indexes cover, each index its own column. */
    abstract List<String> indexedColumns();

    String app;

    @BeforeEach
    void freshApp() {
        app = createApp();
    }

    @Test
    void anAppConnectedOutsideTheSchemaOfItsTablesRecordsItsChangesAndPrunes() throws SQLException {
        install();
        try (Connection c = appConnection()) {
            int before = rowsFor(c, "alice@example.com");
            change(c, "alice@example.com");
            assertThat(rowsFor(c, "alice@example.com")).as("alice's change recorded").isEqualTo(before + 1);
            int all = count(c, "");
            update(c, "UPDATE " + app + ".role SET name = 'readers' WHERE name = 'viewer'");
            assertThat(count(c, "")).as("the renamed role's members recorded").isGreaterThan(all);

            addAgedRows(c, 300, 120);
            if (!triggersPrune()) {
                for (int changes = 0; changes < 2 * PRUNE_EVERY; changes++) {
                    change(c, "bob@example.com");
                }
                assertThat(count(c, "WHERE changed_at < CURRENT_TIMESTAMP - INTERVAL '90' MINUTE"))
                        .as("after %d changes: the triggers never prune", 2 * PRUNE_EVERY).isEqualTo(300);
            }
            Pruning pruning = changeThenPrune(c, "bob@example.com", 90);
            assertThat(count(c, "WHERE changed_at < CURRENT_TIMESTAMP - INTERVAL '90' MINUTE")).isZero();
            assertThat(pruning.changes()).isLessThanOrEqualTo(PRUNE_EVERY);
        }
    }

    @Test
    void runningTheScriptAgainUpgradesThePreviousVersionsTableAndKeepsItsRows() throws SQLException {
        try (Connection c = installConnection()) {
            ChangeTableScript.installPrevious(db(), c);
        }
        List<Long> kept;
        try (Connection c = installConnection()) { // the previous version works only with its schema on search_path
            assertThat(indexes(c)).as("the previous version's table").containsExactly("seq");
            for (String email : List.of("alice@example.com", "bob@example.com", "carol@example.com")) {
                change(c, email);
            }
            kept = seqs(c);
        }
        assertThat(kept).hasSize(3);

        install();
        install();

        try (Connection c = appConnection()) {
            assertThat(seqs(c)).as("rows of the previous version kept").containsAll(kept);
            assertThat(indexes(c)).as("one index on each column, twice installed")
                    .containsExactlyInAnyOrderElementsOf(indexedColumns());
            change(c, "dave@example.com");
            assertThat(rowsFor(c, "dave@example.com")).as("the new triggers record").isEqualTo(1);
            assertThat(seqs(c)).hasSize(4);
        }
    }

    @Test
    void runningTheScriptAgainKeepsAnEditedRetentionAndThePruneFollowsIt() throws SQLException {
        install();
        assertThat(retentionSeconds()).as("default: an hour").isEqualTo(3600);
        setRetentionSeconds(7200);
        install();
        assertThat(retentionSeconds()).as("the operator's edit survives a re-run").isEqualTo(7200);

        try (Connection c = appConnection()) {
            addAgedRows(c, 200, 90);
            addAgedRows(c, 200, 180);
            changeThenPrune(c, "alice@example.com", 150);
            assertThat(count(c, "WHERE changed_at < CURRENT_TIMESTAMP - INTERVAL '150' MINUTE")).isZero();
            assertThat(count(c, "WHERE changed_at < CURRENT_TIMESTAMP - INTERVAL '80' MINUTE"))
                    .as("younger than the edited retention: kept").isEqualTo(200);
        }
    }

    @Test
    void aPruneDoesNotWaitForTheChangeRowsOfATransactionInProgress() throws SQLException {
        install();
        try (Connection open = appConnection(); Connection pruner = appConnection(); Connection other = appConnection()) {
            addAgedRows(other, 300, 120);
            addAgedRows(other, 50, 30);
            open.setAutoCommit(false);
            limitLockWaits(open);
            update(open, "INSERT INTO " + app + ".app_users_changes (user_id) VALUES (NULL)");
            update(open, "INSERT INTO " + app + ".app_users_changes (user_id) VALUES (NULL)");

            limitLockWaits(pruner);
            Pruning pruning = changeThenPrune(pruner, "bob@example.com", 90);
            assertThat(pruning.slowestMillis()).as("slowest change or prune while another transaction holds change rows")
                    .isLessThan(NO_WAIT_MILLIS);
            assertThat(count(other, "WHERE changed_at < CURRENT_TIMESTAMP - INTERVAL '90' MINUTE")).isZero();
            assertThat(count(other, "WHERE changed_at < CURRENT_TIMESTAMP - INTERVAL '20' MINUTE"))
                    .as("younger than the retention: kept").isEqualTo(50);
            open.commit();
        }
    }

    @Test
    void thePruneRunsWhenNumbersComeInStepsOfTwo() throws SQLException {
        install();
        try (Connection c = appConnection()) {
            addAgedRows(c, 300, 120);
            takeNumbersInStepsOfTwo(c);
            Pruning pruning = changeThenPrune(c, "alice@example.com", 90);
            assertThat(pruning.changes()).isLessThanOrEqualTo(PRUNE_EVERY);
            change(c, "alice@example.com");
            List<Long> seqs = seqs(c);
            assertThat(seqs.get(seqs.size() - 1) - seqs.get(seqs.size() - 2)).as("numbers in steps of two")
                    .isEqualTo(2);
            assertThat(seqs.get(seqs.size() - 1) % 2).as("odd numbers only: never a multiple of 1000").isEqualTo(1);
            assertThat(count(c, "WHERE changed_at < CURRENT_TIMESTAMP - INTERVAL '90' MINUTE")).isZero();
        }
    }

    @Test
    void thePruneKeepsTheNewestRowWhenEveryRowIsOld() throws SQLException {
        install();
        // the triggers prune at 0; Keycloak takes its default (an hour) for a retention that is not positive
        setRetentionSeconds(triggersPrune() ? 0 : 1);
        try (Connection c = appConnection()) {
            addAgedRows(c, 50, 10);
            int before = count(c, "");
            Pruning pruning = changeThenPrune(c, "alice@example.com", 5);
            assertThat(count(c, "")).as("after %d changes", pruning.changes()).isPositive().isLessThan(before);
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT u.email FROM " + app
                    + ".app_users_changes ch JOIN " + userTable() + " u ON u.id = ch.user_id ORDER BY ch.seq DESC")) {
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1)).as("the newest row, the pruning change's own, stays")
                        .isEqualTo("alice@example.com");
            }
        }
    }

    // ---- helpers ----

    void install() throws SQLException {
        try (Connection c = installConnection()) {
            ChangeTableScript.install(db(), c);
        }
    }

    /** A connection as the DBA's: the app's schema is the default. */
    Connection installConnection() throws SQLException {
        return db().connectTo(app);
    }

    record Pruning(int changes, long slowestMillis) {
    }

    /**
     * Changes {@code email}'s row and has the rows older than {@code minutes} pruned as this database's setup
     * does: by the triggers ({@link #changeUntilPruned}), or by one change and then Keycloak's prune.
     */
    Pruning changeThenPrune(Connection c, String email, int minutes) throws SQLException {
        if (triggersPrune()) {
            return changeUntilPruned(c, email, minutes);
        }
        String older = "WHERE changed_at < CURRENT_TIMESTAMP - INTERVAL '" + minutes + "' MINUTE";
        int before = count(c, older);
        assertThat(before).as("rows older than %d minutes before", minutes).isPositive();
        long start = System.nanoTime();
        change(c, email);
        long changed = millisSince(start);
        start = System.nanoTime();
        int deleted = keycloakPrunes(c);
        long pruned = millisSince(start);
        assertThat(deleted).as("rows Keycloak's prune deleted").isPositive();
        assertThat(count(c, older)).as("rows older than %d minutes after the prune", minutes).isLessThan(before);
        return new Pruning(1, Math.max(changed, pruned));
    }

    /**
     * Keycloak's prune on {@code c}, as a feed that has seen every row runs it (below the newest number), with the
     * retention it reads from the app's schema. @return the rows deleted
     */
    int keycloakPrunes(Connection c) throws SQLException {
        ChangeTable table = changeTable(c);
        List<Long> seqs = seqs(c);
        return ChangePrune.prune(c, table, table.retention(c), seqs.get(seqs.size() - 1));
    }

    /**
     * Changes {@code email}'s row until the rows older than {@code minutes} that {@code c} sees become fewer (a prune
     * ran), at most twice {@link #PRUNE_EVERY} times.
     */
    Pruning changeUntilPruned(Connection c, String email, int minutes) throws SQLException {
        String older = "WHERE changed_at < CURRENT_TIMESTAMP - INTERVAL '" + minutes + "' MINUTE";
        int before = count(c, older);
        assertThat(before).as("rows older than %d minutes before", minutes).isPositive();
        long slowest = 0;
        for (int changes = 1; changes <= 2 * PRUNE_EVERY; changes++) {
            long start = System.nanoTime();
            change(c, email);
            slowest = Math.max(slowest, millisSince(start));
            if (count(c, older) < before) {
                return new Pruning(changes, slowest);
            }
        }
        throw new AssertionError("no prune within " + 2 * PRUNE_EVERY + " changes");
    }

    /** The script's change table as Keycloak resolves it for a component whose {@code dbSchema} is {@link #app}. */
    ChangeTable changeTable(Connection c) throws SQLException {
        ComponentModel model = new ComponentModel();
        model.getConfig().putSingle(ConfigKeys.DB_SCHEMA, app);
        return ChangeTable.resolve(c, AppUsersConfig.from(model));
    }

    void change(Connection c, String email) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE " + userTable()
                + " SET token_count = COALESCE(token_count, 0) + 1 WHERE email = ?")) {
            s.setString(1, email);
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
    }

    /** Adds {@code rows} change rows aged {@code minutes}, as the triggers would have written them then. */
    void addAgedRows(Connection c, int rows, int minutes) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (int i = 0; i < rows; i++) {
                s.addBatch("INSERT INTO " + app + ".app_users_changes (user_id, changed_at) VALUES (NULL, "
                        + "CURRENT_TIMESTAMP - INTERVAL '" + minutes + "' MINUTE)");
            }
            s.executeBatch();
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }

    int count(Connection c, String where) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + app + ".app_users_changes " + where)) {
            r.next();
            return r.getInt(1);
        }
    }

    int rowsFor(Connection c, String email) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM " + app + ".app_users_changes ch JOIN "
                + userTable() + " u ON u.id = ch.user_id WHERE u.email = ?")) {
            s.setString(1, email);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        }
    }

    List<Long> seqs(Connection c) throws SQLException {
        List<Long> seqs = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT seq FROM " + app + ".app_users_changes ORDER BY seq")) {
            while (r.next()) {
                seqs.add(r.getLong(1));
            }
        }
        return seqs;
    }

    /** The first column of each index on the change table, as JDBC metadata reports them. */
    List<String> indexes(Connection c) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        boolean pg = db() == AppDb.POSTGRES;
        List<String> columns = new ArrayList<>();
        try (ResultSet r = meta.getIndexInfo(pg ? null : app, pg ? app : null, "app_users_changes", false, false)) {
            while (r.next()) {
                if (r.getShort("ORDINAL_POSITION") == 1) {
                    columns.add(r.getString("COLUMN_NAME"));
                }
            }
        }
        return columns;
    }

    /** Runs one statement (a SELECT too: its result is ignored). */
    static void update(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
