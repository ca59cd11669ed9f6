package dev.appusers.keycloak.it;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What the database server itself says about the connections to the integration tests' app database: transactions
 * still open, locks held or waited for. After Keycloak answered every request there must be none.
 */
public final class DbActivity {

    private DbActivity() {
    }

    /**
     * Transactions still open on {@link AppDb#IT_DATABASE}, other than this check's own: PostgreSQL sessions that are
     * active or idle in a transaction and the locks they hold or wait for ({@code pg_stat_activity}, {@code pg_locks});
     * on MariaDB the InnoDB transactions of its connections ({@code information_schema.innodb_trx}). Empty when
     * nothing is left behind.
     */
    public static List<String> openTransactions(AppDb db) {
        String sql = db == AppDb.POSTGRES
                ? "SELECT 'session ' || a.pid || ' ' || a.state || ' ' || coalesce(a.wait_event_type, '') || ' '"
                        + " || left(a.query, 120) FROM pg_stat_activity a WHERE a.datname = ?"
                        + " AND a.pid <> pg_backend_pid() AND a.state IS NOT NULL AND a.state <> 'idle'"
                        + " UNION ALL SELECT 'lock ' || l.locktype || ' ' || l.mode || ' granted=' || l.granted"
                        + " || ' pid ' || l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                        + " WHERE a.datname = ? AND l.pid <> pg_backend_pid()"
                : "SELECT CONCAT('trx ', t.trx_id, ' ', t.trx_state, ' thread ', t.trx_mysql_thread_id, ' locks ',"
                        + " t.trx_rows_locked, ' ', COALESCE(LEFT(t.trx_query, 120), '')) FROM"
                        + " information_schema.innodb_trx t JOIN information_schema.processlist p"
                        + " ON p.id = t.trx_mysql_thread_id WHERE p.db = ? AND p.id <> CONNECTION_ID()";
        List<String> open = new ArrayList<>();
        try (Connection c = db.connect(AppDb.IT_DATABASE); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 1; i <= (db == AppDb.POSTGRES ? 2 : 1); i++) {
                s.setString(i, AppDb.IT_DATABASE);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    open.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return open;
    }

    /** Polls {@link #openTransactions} for a few seconds (a connection may still be on its way back to the pool). */
    public static List<String> openTransactionsAfterSettling(AppDb db) throws InterruptedException {
        List<String> open = openTransactions(db);
        for (int i = 0; i < 20 && !open.isEmpty(); i++) {
            Thread.sleep(250);
            open = openTransactions(db);
        }
        return open;
    }

    /**
     * Whether every row of {@code tables} in {@code schema} can be locked at once ({@code FOR UPDATE NOWAIT}): no
     * transaction anywhere, prepared XA branches included, still holds a row lock on them.
     */
    public static boolean rowsUnlocked(AppDb db, String schema, String... tables) {
        try (Connection c = db.connectTo(schema)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (String table : tables) {
                    s.executeQuery("SELECT * FROM " + table + " FOR UPDATE NOWAIT").close();
                }
                return true;
            } catch (SQLException e) {
                return false;
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
