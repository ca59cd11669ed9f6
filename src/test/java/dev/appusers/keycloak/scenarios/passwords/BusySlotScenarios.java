package dev.appusers.keycloak.scenarios.passwords;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.appusers.keycloak.it.AdminClient;
import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.AttackDetection;
import dev.appusers.keycloak.it.ConcurrentRequests;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.LogHygiene;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.scenarios.passwords.BruteForceScenarios.Mode;

/**
 * A sign-in whose password cannot be checked because every hashing slot stays busy is told to try again (503
 * {@code temporarily_unavailable}), brute-force detection counts it as no failure, and trying again signs in; the
 * component's raised {@code hashCostLimits} let the slow hashes verify. Live and imported (the provider's two ways to
 * a password check; READ_ONLY and WRITABLE check alike), with brute-force detection on, on each Keycloak line: the
 * answer's way out of Keycloak is Keycloak's. The app database plays no part, so PostgreSQL only. Each mode keeps both
 * hashing slots busy for the bounded wait (5 s) with hashes over the default ceiling: the suite's most
 * processor-heavy scenario, run where it can tell something.
 */
@On.Postgres
@On.PostgresPrevious
@On.PostgresOldest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BusySlotScenarios {

    /**
     * Sign-ins sent at once to make the hashing slots busy: more than the slots (one per processor of Keycloak's
     * machine, which is this one) and the callers allowed to wait, so some are refused at once and the waiting ones
     * give up after their bounded wait.
     */
    private static final int BUSY_SIGN_INS = 9 * Runtime.getRuntime().availableProcessors() + 6;
    /** Live and imported: the provider's two ways to a password check. */
    private static final List<Mode> BUSY_MODES = List.of(Mode.LIVE_READ_ONLY, Mode.IMPORTED_WRITABLE);

    private final AppDb db = AppDb.POSTGRES;
    ItRealm realm;
    final Map<Mode, String> realms = new LinkedHashMap<>();
    final Map<Mode, OidcClient> clients = new LinkedHashMap<>();
    final Map<Mode, String> components = new LinkedHashMap<>();

    @BeforeAll
    void setUp() {
        realm = ItRealm.create(getClass());
        String schema = db.createFixtureSchema("busyslots");
        for (Mode mode : BUSY_MODES) {
            for (int i = 0; i < BUSY_SIGN_INS; i++) {
                db.insertUser(schema, UUID.randomUUID(), mode.email("busy-" + i), BruteForceScenarios.SLOW_HASH, true, true);
            }
            String name = realm.name + "_" + mode.name().toLowerCase();
            realm.admin.deleteIfPresent("/" + name);
            realm.admin.createRealm(name);
            BruteForceScenarios.bruteForce(realm.admin, name, false);
            components.put(mode, realm.admin.addFederation(name, ItRealm.config("dbSchema", schema,
                    "cachePolicy", "DEFAULT", "editMode", mode.writable ? "WRITABLE" : "READ_ONLY", "importEnabled",
                    String.valueOf(mode.imported), "hashCostLimits", BruteForceScenarios.RAISED_LIMITS)));
            realms.put(mode, name);
            clients.put(mode, new OidcClient(realm.server, name));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"LIVE_READ_ONLY", "IMPORTED_WRITABLE"})
    void aSignInWhosePasswordCannotBeCheckedForBusySlotsIsToldToTryAgainAndIsNoFailure(Mode mode)
            throws InterruptedException {
        if (mode.imported) { // imported first, so the sign-ins below only check passwords
            AdminClient.expect(realm.admin.post("/" + realms.get(mode) + "/user-storage/" + components.get(mode)
                    + "/sync?action=triggerFullSync", Map.of()), 200, "full sync");
        }
        List<ConcurrentRequests.Call> calls = new ArrayList<>();
        for (int i = 0; i < BUSY_SIGN_INS; i++) {
            String email = mode.email("busy-" + i);
            calls.add(new ConcurrentRequests.Call("sign-in", email, "",
                    () -> clients.get(mode).passwordGrant(email, BruteForceScenarios.BUSY_PASSWORD)));
        }

        List<ConcurrentRequests.Outcome> outcomes = ConcurrentRequests.sendAtOnce(calls, 600);

        List<ConcurrentRequests.Outcome> busy = outcomes.stream().filter(o -> o.status() == 503).toList();
        assertThat(outcomes).as("each signed in or was told to try again").allMatch(o -> o.status() == 200
                || o.status() == 503);
        assertThat(busy).as("some found every slot busy").isNotEmpty();
        assertThat(outcomes).as("some were checked: the raised hashCostLimits apply")
                .anyMatch(o -> o.status() == 200);
        for (ConcurrentRequests.Outcome refused : busy) {
            JsonNode body = new Http.Response(refused.status(), refused.body(), null).json();
            assertThat(body.path("error").asText()).isEqualTo("temporarily_unavailable");
            assertThat(body.path("error_description").asText())
                    .isEqualTo("The server is busy checking passwords. Please try again in a moment.");
        }
        Thread.sleep(400); // Keycloak records failures on its brute-force thread
        for (ConcurrentRequests.Outcome refused : busy) {
            String id = idOf(mode, refused.call().user());
            JsonNode status = AttackDetection.status(realm.admin, realms.get(mode), id);
            assertThat(status.path("numFailures").asInt()).as("%s was not counted a failure", refused).isZero();
        }
        String again = busy.get(0).call().user();
        assertThat(clients.get(mode).passwordGrant(again, BruteForceScenarios.BUSY_PASSWORD).status())
                .as("trying again signs in").isEqualTo(200);
    }

    /** The Keycloak id of a user, found by the admin's search by email (an app user in both modes). */
    private String idOf(Mode mode, String email) {
        JsonNode found = realm.admin.getJson("/" + realms.get(mode) + "/users?exact=true&email=" + Http.encode(email));
        assertThat(found.size()).as("users with email %s", email).isEqualTo(1);
        return found.get(0).path("id").asText();
    }

    @AfterAll
    void logHoldsNoExceptionAndNoSecret() {
        assertThat(realm.log().lines().filter(line -> line.contains("Exception")).toList())
                .as("no exception reaches the log").isEmpty();
        LogHygiene.assertNoSecretsIn(realm);
    }
}
