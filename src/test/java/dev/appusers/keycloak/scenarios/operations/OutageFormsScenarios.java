package dev.appusers.keycloak.scenarios.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.LogHygiene;
import dev.appusers.keycloak.it.OutageDatasource;
import dev.appusers.keycloak.it.TcpProxy;

/**
 * Every way the app database can be unavailable, one test each: Keycloak's refusal of a federated sign-in (never a
 * 5xx) within the query timeout, local users and the admin Users list unaffected, federated sign-ins back without a
 * restart, and no connection of Keycloak's left busy or in a transaction. The component reads a database and a login
 * of the class's own (dropping or renaming them disturbs no other class) through the suite server's datasource
 * {@value OutageDatasource#NAME} and its {@link TcpProxy} ({@link OutageDatasource}), on Keycloak's pool defaults,
 * what an operator gets (validate-on-borrow with {@code -Dit.outage.poolValidation=true}). Each form's observations go
 * to standard output and {@code target/outage-forms-<db>.txt}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OutageFormsScenarios {

    static final int QUERY_TIMEOUT_SECONDS = 3;
    /** A refusal must come within the query timeout and this much more (the pool, Keycloak's own work). */
    static final int SLACK_SECONDS = 5;
    static final int RECOVERY_SECONDS = 30;
    static final String FEDERATED = "alice@example.com";
    static final String FEDERATED_PASSWORD = "alice-Secret-1";
    static final String LOCAL = "local-admin";
    static final String LOCAL_PASSWORD = "Local-Secret-1";
    static final String DATABASE = OutageDatasource.DATABASE;
    static final String LOGIN = OutageDatasource.LOGIN;
    static final String LOGIN_PASSWORD = OutageDatasource.LOGIN_PASSWORD;

    /** Starts or stops one outage form on the database server; must be safe to run twice. */
    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    ItRealm realm;
    TcpProxy proxy;

    abstract AppDb db();

    /** Creates {@link #DATABASE} with the fixture and {@link #LOGIN}, a non-superuser login that may use it. */
    abstract void createDedicatedDatabaseAndLogin() throws Exception;

    /** {@link #LOGIN}'s connections that are not idle, or idle inside a transaction, as the server sees them. */
    abstract List<String> busyConnections() throws Exception;

    @BeforeAll
    void createRealm() throws Exception {
        createDedicatedDatabaseAndLogin();
        proxy = OutageDatasource.proxy(db());
        realm = ItRealm.create(getClass());
        realm.admin.addFederation(realm.name, ItRealm.config("datasource", OutageDatasource.NAME,
                "queryTimeoutSeconds", String.valueOf(QUERY_TIMEOUT_SECONDS)));
        Http.Response local = realm.admin.post("/" + realm.name + "/users", Map.of("username", LOCAL,
                "email", "local-admin@keycloak.test", "firstName", "Local", "lastName", "Admin", "enabled", true,
                "credentials", List.of(Map.of("type", "password", "value", LOCAL_PASSWORD, "temporary", false))));
        assertThat(local.status()).as(local.body()).isEqualTo(201);
        Files.deleteIfExists(report());
    }

    @AfterAll
    void logHoldsNoSecrets() {
        LogHygiene.assertNoSecretsIn(realm, LOGIN_PASSWORD);
    }

    /** Each form starts from a working database: federated sign-ins work (the previous form's recovery may lag). */
    @BeforeEach
    void databaseWorks() {
        long millis = awaitFederatedSignIn();
        assertThat(millis).as("federated sign-in works before the form starts (within %d s)", RECOVERY_SECONDS)
                .isGreaterThanOrEqualTo(0);
    }

    @Test
    void serverStoppedAndStartedAgain() throws Exception {
        unavailable("server stopped and started again (every connection cut, new ones closed at once)",
                proxy::cut, proxy::restore);
    }

    /**
     * The database is unavailable between {@code begin} and {@code end}: federated sign-ins are refused as Keycloak
     * refuses any (400 or 401, never 5xx) within the query timeout, local users sign in, the admin Users list answers
     * below 500; after {@code end}, federated sign-ins work again within {@link #RECOVERY_SECONDS}, and no connection
     * is left busy.
     */
    void unavailable(String form, Step begin, Step end) throws Exception {
        observe(form, begin, end, false);
    }

    /**
     * Keycloak's connections are gone but the database is otherwise fine ({@code begin} kills them): a federated
     * sign-in right after succeeds, on a fresh connection, and so does everything else.
     */
    void connectionsLost(String form, Step begin) throws Exception {
        observe(form, begin, () -> { }, true);
    }

    private void observe(String form, Step begin, Step end, boolean databaseUsable) throws Exception {
        long logStart = realm.server.logMark();
        Timed federated;
        Timed local;
        Timed users;
        Timed federatedAgain;
        begin.run();
        try {
            // the first request meets the pool's connections of before (dead now, unless the form leaves them be)
            federated = timed(() -> realm.oidc.passwordGrant(FEDERATED, FEDERATED_PASSWORD));
            local = timed(() -> realm.oidc.passwordGrant(LOCAL, LOCAL_PASSWORD));
            users = timed(() -> realm.admin.get("/" + realm.name + "/users?first=0&max=20"));
            // by now the pool has had to open new connections: the form's own refusal
            federatedAgain = timed(() -> realm.oidc.passwordGrant(FEDERATED, FEDERATED_PASSWORD));
        } finally {
            end.run();
        }
        long recoveryMillis = awaitFederatedSignIn();
        List<String> busy = settledBusyConnections();
        String log = realm.server.logSince(logStart);
        record(form, federated, federatedAgain, local, users, recoveryMillis, busy, log);

        SoftAssertions softly = new SoftAssertions();
        assertFederated(softly, "first federated sign-in", federated, databaseUsable);
        assertFederated(softly, "second federated sign-in", federatedAgain, databaseUsable);
        softly.assertThat(local.status()).as("local user signs in: %s", local.body()).isEqualTo(200);
        softly.assertThat(users.status()).as("admin Users list: %s", users.body()).isBetween(200, 499);
        softly.assertThat(recoveryMillis).as("federated sign-ins work again within %d s, no restart",
                RECOVERY_SECONDS).isBetween(0L, RECOVERY_SECONDS * 1000L);
        softly.assertThat(busy).as("Keycloak's connections left active or idle in a transaction").isEmpty();
        softly.assertThat(log).as("Keycloak's log").doesNotContain(LOGIN_PASSWORD);
        softly.assertAll();
    }

    private static void assertFederated(SoftAssertions softly, String what, Timed answer, boolean databaseUsable) {
        if (databaseUsable) {
            softly.assertThat(answer.status()).as("%s (database fine): %s", what, answer.body()).isEqualTo(200);
        } else {
            softly.assertThat(answer.status()).as("%s during the outage is Keycloak's refusal: %s", what,
                    answer.body()).isBetween(400, 401);
            if (answer.status() == 400) {
                softly.assertThat(answer.body()).as("%s: refusal body", what).contains("\"invalid_grant\"");
            }
        }
        softly.assertThat(answer.millis()).as("%s answered within queryTimeoutSeconds=%d + %d s", what,
                QUERY_TIMEOUT_SECONDS, SLACK_SECONDS).isBetween(0L, (QUERY_TIMEOUT_SECONDS + SLACK_SECONDS) * 1000L);
    }

    /** One answer and how long it took; status -1 when none came within a minute. */
    record Timed(int status, String body, long millis) {
    }

    private static Timed timed(Supplier<Http.Response> request) throws Exception {
        long start = System.nanoTime();
        try {
            Http.Response response = CompletableFuture.supplyAsync(request).get(60, TimeUnit.SECONDS);
            return new Timed(response.status(), response.body(), (System.nanoTime() - start) / 1_000_000);
        } catch (TimeoutException e) {
            return new Timed(-1, "no answer within 60 s", (System.nanoTime() - start) / 1_000_000);
        }
    }

    /** Milliseconds until a federated sign-in succeeds, polling for {@link #RECOVERY_SECONDS}; -1 if it never did. */
    long awaitFederatedSignIn() {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(RECOVERY_SECONDS);
        while (System.nanoTime() < deadline) {
            try {
                Timed attempt = timed(() -> realm.oidc.passwordGrant(FEDERATED, FEDERATED_PASSWORD));
                if (attempt.status() == 200) {
                    return (System.nanoTime() - start) / 1_000_000;
                }
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            } catch (Exception e) {
                // no answer: try again
            }
        }
        return -1;
    }

    private List<String> settledBusyConnections() throws Exception {
        List<String> busy = busyConnections();
        for (int i = 0; i < 20 && !busy.isEmpty(); i++) {
            Thread.sleep(250);
            busy = busyConnections();
        }
        return busy;
    }

    private void record(String form, Timed federated, Timed federatedAgain, Timed local, Timed users,
                        long recoveryMillis, List<String> busy, String log) throws IOException {
        StringBuilder line = new StringBuilder();
        line.append(String.format("[%s] %s%n  federated %d in %.1f s: %s%n  federated again %d in %.1f s: %s%n"
                        + "  local %d in %.1f s; admin users %d in %.1f s%n  recovered after %s; busy connections %s%n",
                db(), form, federated.status(), federated.millis() / 1000.0, abbreviate(federated.body()),
                federatedAgain.status(), federatedAgain.millis() / 1000.0, abbreviate(federatedAgain.body()),
                local.status(), local.millis() / 1000.0,
                users.status(), users.millis() / 1000.0,
                recoveryMillis < 0 ? "NOT within " + RECOVERY_SECONDS + " s" : recoveryMillis / 1000.0 + " s", busy));
        log.lines().filter(l -> !l.startsWith("\t") && (l.contains(" WARN ") || l.contains(" ERROR ")
                        || l.contains("unavailable")) && !l.contains("ARJUNA"))
                .distinct().limit(24).forEach(l -> line.append("  log: ").append(abbreviate(l)).append('\n'));
        System.out.print(line);
        Files.writeString(report(), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private Path report() {
        String validation = Boolean.getBoolean("it.outage.poolValidation") ? "-pool-validation" : "";
        return Path.of("target", "outage-forms-" + db().name().toLowerCase() + validation + ".txt");
    }

    private static String abbreviate(String text) {
        String flat = text.replace('\n', ' ');
        return flat.length() > 400 ? flat.substring(0, 400) + "..." : flat;
    }
}
