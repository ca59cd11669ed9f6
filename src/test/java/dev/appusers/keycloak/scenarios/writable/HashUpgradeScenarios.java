package dev.appusers.keycloak.scenarios.writable;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.AppPython;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.SeedUsers;

/**
 * WRITABLE keeps the app's hashes current, as the app's {@code CryptContext(deprecated="auto")} did at its own logins:
 * a correct password rewrites a hash of another scheme or other parameters in the configured form (which the app's
 * passlib verifies), never over a password the app changed meanwhile, never for a wrong password, with the setting off
 * or in READ_ONLY mode, and a rewrite the database refuses never fails the sign-in. Each scenario has a copy of the
 * seed of its own (alice bcrypt cost 12, bob argon2 m=65536, dave bcrypt cost 10, erin argon2 as Litestar-Users).
 * {@link WritableScenarios} runs these on every server it runs on.
 */
abstract class HashUpgradeScenarios extends WritableFixture {

    private static final String ARGON2_FORM = "$argon2id$v=19$m=102400,t=2,p=8$";

    @Test
    void aCorrectPasswordRewritesAnOldHashAsConfiguredOncePasslibVerifiesItAndSaveCountsWhatIsLeft() {
        String copy = db().createFixtureSchema("rehash");
        String other = realm.name + "_rehash";
        String id = otherRealm(other, writable(copy));
        OidcClient oidc = new OidcClient(realm.server, other);
        String bobBefore = hash(copy, "bob@example.com");
        String erinBefore = hash(copy, "erin@example.com");

        String statusBefore = status(other, id);
        int wrong = oidc.passwordGrant("bob@example.com", "bob-Secret-3").status();
        String afterWrong = hash(copy, "bob@example.com");
        int first = oidc.passwordGrant("bob@example.com", "bob-Secret-2").status();
        String rewritten = hash(copy, "bob@example.com");
        int second = oidc.passwordGrant("bob@example.com", "bob-Secret-2").status();
        int erin = oidc.passwordGrant("erin@example.com", "erin-Secret-5").status();

        assertThat(statusBefore).isEqualTo("4 of 5 app users with a password have a hash that is not argon2 "
                + "m=102400,t=2,p=8 (counted at this save); each is rewritten at the user's next sign-in");
        assertThat(wrong).isIn(OidcClient.REFUSED);
        assertThat(afterWrong).as("a wrong password writes nothing").isEqualTo(bobBefore);
        assertThat(first).isEqualTo(200);
        assertThat(rewritten).as("argon2 m=65536,t=3,p=4 rewritten with the configured parameters")
                .startsWith(ARGON2_FORM);
        assertThat(AppPython.verifies("argon2", "bob-Secret-2", rewritten)).isTrue();
        assertThat(AppPython.verifies("argon2", "bob-Secret-3", rewritten)).isFalse();
        assertThat(second).isEqualTo(200);
        assertThat(hash(copy, "bob@example.com")).as("a current hash is not written again").isEqualTo(rewritten);
        assertThat(erin).isEqualTo(200);
        assertThat(hash(copy, "erin@example.com")).as("already in the configured form").isEqualTo(erinBefore);
        assertThat(resave(other, id)).startsWith("3 of 5 app users with a password have a hash that is not argon2");
    }

    @Test
    void bcryptOfAnotherCostIsRewrittenAndBcryptOfTheConfiguredCostIsLeftAlone() {
        String copy = db().createFixtureSchema("rehash_bcrypt");
        String other = realm.name + "_rehash_bcrypt";
        otherRealm(other, writable(copy, "passwordHashScheme", "bcrypt"));
        OidcClient oidc = new OidcClient(realm.server, other);
        String aliceBefore = hash(copy, "alice@example.com");

        assertThat(oidc.passwordGrant("dave@example.com", "dave-Secret-4").status()).isEqualTo(200);
        assertThat(oidc.passwordGrant("alice@example.com", "alice-Secret-1").status()).isEqualTo(200);

        String dave = hash(copy, "dave@example.com");
        assertThat(dave).as("$2y$10$ rewritten with cost 12").startsWith("$2b$12$");
        assertThat(AppPython.verifies("bcrypt", "dave-Secret-4", dave)).isTrue();
        assertThat(hash(copy, "alice@example.com")).as("$2b$12$ is the configured form").isEqualTo(aliceBefore);
    }

    @Test
    void withTheSettingOffOrInReadOnlyModeASignInWritesNothing() {
        String copy = db().createFixtureSchema("rehash_off");
        String off = realm.name + "_rehash_off";
        String offId = otherRealm(off, writable(copy, "upgradeHashesOnLogin", "false"));
        String readOnly = realm.name + "_rehash_ro";
        String readOnlyId = otherRealm(readOnly, ItRealm.config("dbSchema", copy));
        String before = hash(copy, "dave@example.com");

        assertThat(new OidcClient(realm.server, off).passwordGrant("dave@example.com", "dave-Secret-4").status())
                .isEqualTo(200);
        assertThat(new OidcClient(realm.server, readOnly).passwordGrant("dave@example.com", "dave-Secret-4")
                .status()).isEqualTo(200);

        assertThat(hash(copy, "dave@example.com")).isEqualTo(before);
        assertThat(status(off, offId)).isEqualTo("4 of 5 app users with a password have a hash that is not argon2 "
                + "m=102400,t=2,p=8 (counted at this save); left as they are (upgradeHashesOnLogin is off)");
        assertThat(status(readOnly, readOnlyId)).isEqualTo("not rewritten: READ_ONLY never writes the app's hashes");
    }

    @Test
    void aPasswordTheAppChangesWhileTheRewriteWaitsIsKept() throws Exception {
        String copy = db().createFixtureSchema("rehash_race");
        String other = realm.name + "_rehash_race";
        otherRealm(other, writable(copy));
        OidcClient oidc = new OidcClient(realm.server, other);
        String appsNewHash = SeedUsers.hashes().stream().filter(h -> h.password().equals("erin-Secret-5"))
                .findFirst().orElseThrow().hash();

        int status;
        try (Connection app = db().connectTo(copy)) {
            app.setAutoCommit(false);
            try (PreparedStatement change = app.prepareStatement("UPDATE " + db().userTable()
                    + " SET password_hash = ? WHERE email = 'dave@example.com'")) {
                change.setString(1, appsNewHash); // the app changes dave's password, not yet committed
                change.executeUpdate();
            }
            String blocker = transactionOf(app, copy);
            CompletableFuture<Http.Response> signIn = CompletableFuture.supplyAsync(
                    () -> oidc.passwordGrant("dave@example.com", "dave-Secret-4"));
            assertThat(waitsFor(copy, blocker, signIn)).as("Keycloak's rewrite waits for the app's row lock").isTrue();
            app.commit();
            status = signIn.get(60, TimeUnit.SECONDS).status();
        }

        assertThat(status).as("the old password was right when it was checked").isEqualTo(200);
        assertThat(hash(copy, "dave@example.com")).as("the app's new hash is kept").isEqualTo(appsNewHash);
        assertThat(realm.log()).doesNotContain("User " + SeedUsers.user("dave@example.com").id() + " signed in, but");
        assertThat(oidc.passwordGrant("dave@example.com", "erin-Secret-5").status()).isEqualTo(200);
    }

    @Test
    void aRewriteTheDatabaseRefusesIsLoggedOnceNeverFailsTheSignInAndIsTriedAgainAtTheNext() {
        String copy = db().createFixtureSchema("rehash_refused");
        String other = realm.name + "_rehash_refused";
        otherRealm(other, writable(copy));
        OidcClient oidc = new OidcClient(realm.server, other);
        String alice = SeedUsers.user("alice@example.com").id();
        String before = hash(copy, "alice@example.com");
        db().executeIn(copy, db() == AppDb.POSTGRES
                ? "CREATE FUNCTION refuse_rewrite() RETURNS trigger LANGUAGE plpgsql AS "
                        + "$$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$;\n"
                        + "CREATE TRIGGER refuse_rewrite BEFORE UPDATE OF password_hash ON \"user\" FOR EACH ROW "
                        + "EXECUTE FUNCTION refuse_rewrite();\n"
                : "CREATE TRIGGER refuse_rewrite BEFORE UPDATE ON user FOR EACH ROW BEGIN IF NOT (NEW.password_hash "
                        + "<=> OLD.password_hash) THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the "
                        + "test'; END IF; END\n");

        int refused = oidc.passwordGrant("alice@example.com", "alice-Secret-1").status();
        String afterRefusal = hash(copy, "alice@example.com");
        List<String> warnings = realm.log().lines()
                .filter(l -> l.contains("User " + alice + " signed in, but the app's password hash was not rewritten"))
                .toList();
        db().executeIn(copy, "DROP TRIGGER refuse_rewrite" + (db() == AppDb.POSTGRES ? " ON \"user\"" : "") + ";\n");
        int next = oidc.passwordGrant("alice@example.com", "alice-Secret-1").status();

        assertThat(refused).as("the sign-in does not fail with the write").isEqualTo(200);
        assertThat(afterRefusal).isEqualTo(before);
        assertThat(warnings).singleElement().satisfies(line -> assertThat(line).contains("WARN")
                .contains("argon2 m=102400,t=2,p=8").doesNotContain(before).doesNotContain("alice-Secret-1")
                .doesNotContain("refused by the test"));
        assertThat(next).isEqualTo(200);
        assertThat(hash(copy, "alice@example.com")).startsWith(ARGON2_FORM)
                .satisfies(h -> assertThat(AppPython.verifies("argon2", "alice-Secret-1", h)).isTrue());
    }

    /**
     * What names the app connection's lock holder: its PostgreSQL backend; on MariaDB the Keycloak statement's text is
     * looked for instead (Connector/J sends a statement with a query timeout as {@code SET STATEMENT
     * max_statement_time=.. FOR UPDATE ...}, and that one, waiting for the row, showed in neither {@code INNODB_TRX}
     * nor {@code INNODB_LOCK_WAITS} of MariaDB 10.11; it can only get there once Keycloak verified the old hash).
     */
    private String transactionOf(Connection app, String copy) throws SQLException {
        if (db() != AppDb.POSTGRES) {
            return "%UPDATE `" + copy + "`.`user` SET `password_hash`%";
        }
        try (Statement s = app.createStatement();
             ResultSet rs = s.executeQuery("SELECT CAST(pg_backend_pid() AS text)")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Whether Keycloak's rewrite waits for the lock {@code blocker} holds before {@code signIn} ends. */
    private boolean waitsFor(String copy, String blocker, CompletableFuture<?> signIn)
            throws SQLException, InterruptedException {
        String waiting = db() == AppDb.POSTGRES
                ? "SELECT COUNT(*) FROM pg_stat_activity WHERE CAST(? AS integer) = ANY(pg_blocking_pids(pid))"
                : "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE ? AND ID <> CONNECTION_ID()";
        try (Connection watcher = db().connectTo(copy); PreparedStatement s = watcher.prepareStatement(waiting)) {
            s.setString(1, blocker);
            for (int i = 0; i < 6000 && !signIn.isDone(); i++) { // up to a minute: hashing is slow when busy
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next() && rs.getLong(1) > 0) {
                        return true;
                    }
                }
                Thread.sleep(10);
            }
        }
        return false;
    }

    /** The password hash of the user {@code email} in {@code copy}, read straight from the app database. */
    String hash(String copy, String email) {
        try (Connection c = db().connectTo(copy); PreparedStatement s = c.prepareStatement(
                "SELECT password_hash FROM " + db().userTable() + " WHERE email = ?")) {
            s.setString(1, email);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private String status(String realmName, String componentId) {
        return realm.admin.component(realmName, componentId).path("config").path("hashUpgrades").path(0).asText();
    }

    /** Saves the component unchanged, as an admin's Save does, and returns the status it wrote. */
    private String resave(String realmName, String componentId) {
        Http.Response saved = realm.admin.put("/" + realmName + "/components/" + componentId,
                realm.admin.component(realmName, componentId));
        assertThat(saved.status()).as(saved.body()).isEqualTo(204);
        return status(realmName, componentId);
    }
}
