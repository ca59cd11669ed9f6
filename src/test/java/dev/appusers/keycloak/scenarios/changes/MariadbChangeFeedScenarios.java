package dev.appusers.keycloak.scenarios.changes;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.appusers.keycloak.it.On;

/**
 * {@link ChangeFeedScenarios} on MariaDB, and what only MariaDB has: the triggers there do not prune the change table,
 * Keycloak's feed does, on its own short transactions that skip the rows the app's transactions hold.
 */
@On.Mariadb
class MariadbChangeFeedScenarios extends ChangeFeedScenarios {

    /** The feed prunes every 15 s; rows it saw at one prune go at the next. */
    static final long PRUNED_WITHIN_MILLIS = 40_000;

    @Test
    void keycloakPrunesTheOldRowsButTheOneAnOpenTransactionHoldsAndTheNewest() throws SQLException {
        assertThat(realm.admin.component(realm.name, componentId).path("config").path("changeFeed").path(0).asText())
                .contains("prunes rows older than the retention (1 h) every 15 s");
        List<Long> old = new ArrayList<>();
        try (Connection c = db().connectTo(schema); PreparedStatement insert = c.prepareStatement("INSERT INTO "
                + "app_users_changes (user_id, changed_at) VALUES (?, NOW(3) - INTERVAL 2 HOUR)",
                Statement.RETURN_GENERATED_KEYS)) {
            for (int i = 0; i < 6; i++) {
                insert.setObject(1, db().idValue(UUID.randomUUID())); // users no node has cached
                insert.executeUpdate();
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    keys.next();
                    old.add(keys.getLong(1));
                }
            }
        }
        long held = old.get(1);
        long newest = old.get(old.size() - 1);
        try (Connection holder = db().connectTo(schema)) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement("SELECT seq FROM app_users_changes WHERE seq = ? "
                    + "FOR UPDATE")) {
                lock.setLong(1, held);
                lock.executeQuery().close();
            }

            long start = System.nanoTime();
            while (!remaining(old).equals(List.of(held, newest)) && millis(start) < PRUNED_WITHIN_MILLIS) {
                sleep(500);
            }
            assertThat(remaining(old)).as("two-hour-old rows left after %d ms: the held one and the newest",
                    millis(start)).containsExactly(held, newest);
            System.out.printf("change feed (MARIADB): old rows pruned by Keycloak after %d ms%n", millis(start));

            String email = newUser(schema, "editor");
            String refreshToken = signIn(email);
            execute(schema, "UPDATE " + db().userTable() + " SET is_active = false WHERE email = ?", email);
            long millis = awaitRefresh(refreshToken, r -> r.status() != 200);
            assertThat(millis).as("a user changed after the prune, while the row is still held, is evicted")
                    .isLessThanOrEqualTo(BOUND_MILLIS);
            holder.rollback();
        }
        assertThat(realm.log()).doesNotContain("may not delete its old rows");
    }

    /** Which of {@code seqs} the change table still holds, in order (a plain read: it waits for no lock). */
    private List<Long> remaining(List<Long> seqs) {
        List<Long> found = new ArrayList<>();
        try (Connection c = db().connectTo(schema); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT seq FROM app_users_changes WHERE seq BETWEEN " + seqs.get(0)
                     + " AND " + seqs.get(seqs.size() - 1) + " ORDER BY seq")) {
            while (r.next()) {
                found.add(r.getLong(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return found;
    }
}
