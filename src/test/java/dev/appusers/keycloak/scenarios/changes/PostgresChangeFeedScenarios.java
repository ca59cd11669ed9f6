package dev.appusers.keycloak.scenarios.changes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.it.PgStatementLog;
import dev.appusers.keycloak.it.PgStatementLog.Statement;
import dev.appusers.keycloak.it.TcpProxy;

/**
 * {@link ChangeFeedScenarios} on PostgreSQL, and what only the PostgreSQL wire and the proxy in front of it show: the
 * statements of a sign-in with DEFAULT, the feed's own statements, and a feed whose connection is cut.
 */
@On.Postgres
class PostgresChangeFeedScenarios extends ChangeFeedScenarios {

    static boolean isFeed(Statement statement) {
        return statement.sql().toLowerCase(Locale.ROOT).contains("app_users_changes");
    }

    @Test
    void aSignInWithDefaultIsOneStatementAndTheFeedAboutOneASecond() {
        PgStatementLog log = AppDb.postgresProxy().statements();
        String email = newUser(schema, "editor", "viewer");
        signIn(email);

        int mark = log.mark();
        signIn(email);
        List<Statement> login = log.dataSince(mark).stream().filter(s -> !isFeed(s)).toList();
        assertThat(login).as("statements of a sign-in with DEFAULT, user cached: %s", login).hasSize(1);
        assertThat(login.get(0).sql()).as("the row with its roles").containsIgnoringCase("user_role");
        assertThat(new HashSet<>(login)).as("none repeated").hasSameSizeAs(login);

        mark = log.mark();
        sleep(5_000);
        long feed = log.dataSince(mark).stream().filter(PostgresChangeFeedScenarios::isFeed).count();
        System.out.printf("change feed (POSTGRES): %d statements in 5 s idle; a sign-in with DEFAULT: %d statements%n",
                feed, login.size());
        assertThat(feed).as("one poll a second, one statement each").isBetween(3L, 7L);
    }

    @Test
    void changesMadeWhileTheFeedCannotReachTheDatabaseAreEvictedOnceItCan() {
        TcpProxy proxy = AppDb.postgresProxy();
        String disabled = newUser(schema, "editor");
        String revoked = newUser(schema, "editor");
        String deleted = newUser(schema);
        sleep(2_500); // the feed has seen the three inserts: the sign-ins below cache the users until the outage
        String disabledToken = signIn(disabled);
        String revokedToken = signIn(revoked);
        String deletedToken = signIn(deleted);

        proxy.cut();
        try {
            execute(schema, "UPDATE \"user\" SET is_active = false WHERE email = ?", disabled);
            execute(schema, "DELETE FROM user_role WHERE user_id = (SELECT id FROM \"user\" WHERE email = ?)", revoked);
            deleteUser(schema, deleted);
            sleep(4_000);
        } finally {
            proxy.restore();
        }

        assertThat(awaitRefresh(disabledToken, r -> r.status() != 200)).isLessThanOrEqualTo(10_000);
        assertThat(awaitRefresh(deletedToken, r -> r.status() != 200)).isLessThanOrEqualTo(10_000);
        assertThat(awaitRefresh(revokedToken, r -> r.status() == 200 && !realmRoles(dev.appusers.keycloak.it.OidcClient
                .claims(r.json().path("access_token").asText())).contains("editor"))).isLessThanOrEqualTo(10_000);
        String serverLog = realm.log();
        assertThat(count(serverLog, "Change feed of " + componentName + " cannot read")).as("outage logged once")
                .isEqualTo(1);
        assertThat(count(serverLog, "Change feed of " + componentName + " reads app_users_changes again"))
                .as("recovery logged once").isEqualTo(1);
        assertThat(serverLog).contains("3 users changed meanwhile, 3 of them cached here, evicted");
    }

    static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }
}
