package dev.appusers.keycloak.scenarios.passwords;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.appusers.keycloak.it.AdminClient;
import dev.appusers.keycloak.it.ConcurrentRequests;
import dev.appusers.keycloak.it.ConcurrentRequests.Call;
import dev.appusers.keycloak.it.ConcurrentRequests.Outcome;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.LogHygiene;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.On;

/**
 * A flood against Litestar-Users' own settings (argon2 with 100 MiB): 300
 * sign-ins with random unknown usernames and 50 with 128 KiB passwords at once. Unknown usernames compute no dummy
 * hash (they wait as long as a verification takes, a bounded number at once), 128 KiB passwords are refused before
 * hashing (and pay the same wait, in the same bounded queue), so throughout Keycloak's health endpoint and a local
 * user's sign-in answer within 2 s (or, where Keycloak alone needs longer for the same flood in the same run, within
 * half as much again), every flood request gets Keycloak's normal refusal or, where the queue was full, "try again"
 * (503), and afterwards no thread is left waiting.
 */
@On.Postgres
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignInFloodScenarios {

    private static final int UNKNOWN = 300;
    private static final int LONG_PASSWORDS = 50;

    ItRealm realm;

    @BeforeAll
    void setUp() {
        realm = ItRealm.create(getClass());
        cheapRealmHash(realm);
        realm.admin.addFederation(realm.name, ItRealm.config("cachePolicy", "DEFAULT"));
        addLocalUser(realm);
    }

    /** The worst answer times seen while a flood ran, and what the flood's requests got. */
    record Watch(long worstHealthMillis, long worstLocalMillis, int probes, List<Outcome> outcomes) {
    }

    @Test
    void healthAndLocalSignInKeepAnsweringAndNothingIsLeftWaiting() throws Exception {
        // Keycloak alone first (a realm without the component, same flood, same probes), then with the provider
        ItRealm alone = ItRealm.create(KeycloakAlone.class);
        cheapRealmHash(alone);
        addLocalUser(alone);
        Watch baseline = flood(alone);
        Watch federated = flood(realm);

        System.out.printf("Flood of %d: Keycloak alone worst health %d ms, local sign-in %d ms (%d probes); with "
                + "app-users worst health %d ms, local sign-in %d ms (%d probes)%n", UNKNOWN + LONG_PASSWORDS,
                baseline.worstHealthMillis(), baseline.worstLocalMillis(), baseline.probes(),
                federated.worstHealthMillis(), federated.worstLocalMillis(), federated.probes());
        assertThat(federated.outcomes()).hasSize(UNKNOWN + LONG_PASSWORDS).allSatisfy(o -> {
            if (o.status() == 503) { // the hashing queue was full: "try again", as for a sign-in with any password
                assertThat(o.body()).as(o.toString()).contains("\"error\":\"temporarily_unavailable\"");
            } else {
                assertThat(o.status()).as(o.toString()).isIn(OidcClient.REFUSED);
                assertThat(o.body()).as(o.toString()).contains("\"error\":\"invalid_grant\"");
            }
        });
        // Within 2 s, or, where Keycloak alone already needs longer for the same flood on this machine (its own
        // request handling of 350 password grants on 2 cores), within half as much again as Keycloak alone. An unknown
        // username costs the provider one app-database statement and a wait of no processor time (UnknownUserCost).
        assertThat(federated.worstHealthMillis()).as("health endpoint during the flood")
                .isLessThanOrEqualTo(Math.max(2000, baseline.worstHealthMillis() * 3 / 2));
        assertThat(federated.worstLocalMillis()).as("local user's sign-in during the flood")
                .isLessThanOrEqualTo(Math.max(2000, baseline.worstLocalMillis() * 3 / 2));
        assertThat(federated.probes()).as("probes during the flood").isGreaterThanOrEqualTo(3);
        assertThat(waitingProviderThreads()).as("threads still waiting for a verification slot or memory").isEmpty();
        assertThat(realm.oidc.passwordGrant("erin@example.com", "erin-Secret-5").status())
                .as("the app's users sign in after the flood").isEqualTo(200);
    }

    /** Names the realm of the Keycloak-alone baseline. */
    static final class KeycloakAlone {
    }

    private static void cheapRealmHash(ItRealm target) {
        // Keycloak itself pays one hash of the realm's algorithm for every unknown username, and its own argon2 (the
        // default) waits for a CPU slot without bound: under this flood that alone parks Keycloak's worker threads,
        // with or without this provider. A cheap realm hash keeps Keycloak's own share out of what is measured here:
        // what the provider adds with Litestar's argon2 at 100 MiB configured.
        AdminClient.expect(target.admin.put("/" + target.name, Map.of("passwordPolicy",
                "hashAlgorithm(pbkdf2-sha256) and hashIterations(1000)")), 204, "realm password policy");
    }

    private static void addLocalUser(ItRealm target) {
        Http.Response local = target.admin.post("/" + target.name + "/users", Map.of("username", "local-flood",
                "email", "local-flood@keycloak.test", "firstName", "Local", "lastName", "Flood", "enabled", true,
                "credentials", List.of(Map.of("type", "password", "value", "Local-Flood-1", "temporary", false))));
        assertThat(local.status()).as(local.body()).isEqualTo(201);
    }

    private Watch flood(ItRealm target) throws Exception {
        HttpClient http1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < UNKNOWN; i++) {
            String username = "nobody-" + UUID.randomUUID() + "@flood.test";
            calls.add(new Call("unknown", username, "",
                    () -> target.oidc.passwordGrant(http1, username, "Wrong-Secret-1")));
        }
        String huge = "p".repeat(128 * 1024);
        for (int i = 0; i < LONG_PASSWORDS; i++) {
            calls.add(new Call("long-password", "erin@example.com", "128 KiB",
                    () -> target.oidc.passwordGrant(http1, "erin@example.com", huge)));
        }
        CompletableFuture<List<Outcome>> flood = CompletableFuture.supplyAsync(() -> {
            try {
                return ConcurrentRequests.sendAtOnce(calls, 300);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        long worstHealth = 0;
        long worstLocal = 0;
        int probes = 0;
        HttpClient probe = HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(30)).build();
        Thread.sleep(500); // the flood is under way
        while (!flood.isDone() || probes < 3) {
            long start = System.nanoTime();
            Http.Response health = Http.send(probe, HttpRequest.newBuilder(
                    URI.create(target.server.managementUrl() + "/health/ready"))
                    .timeout(java.time.Duration.ofSeconds(60)).build());
            long healthMillis = (System.nanoTime() - start) / 1_000_000;
            start = System.nanoTime();
            Http.Response signIn = target.oidc.passwordGrant("local-flood", "Local-Flood-1");
            long localMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(health.status()).as("health during the flood").isEqualTo(200);
            assertThat(signIn.status()).as("local sign-in during the flood: %s", signIn.body()).isEqualTo(200);
            worstHealth = Math.max(worstHealth, healthMillis);
            worstLocal = Math.max(worstLocal, localMillis);
            probes++;
            Thread.sleep(200);
        }
        return new Watch(worstHealth, worstLocal, probes, flood.get(10, TimeUnit.SECONDS));
    }

    /** Threads of Keycloak's JVM whose stack is inside the provider's slot or memory waits, from a thread dump. */
    private List<String> waitingProviderThreads() throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.jcmd(), String.valueOf(realm.server.jvm().pid()), "Thread.print")
                .redirectErrorStream(true).start();
        String dump = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(jcmd.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(dump).as("a thread dump of Keycloak").contains("executor-thread");
        List<String> waiting = new ArrayList<>();
        for (String thread : dump.split("\n\n")) {
            if (thread.contains("password.ComputeSlots") || thread.contains("password.MemoryBudget")) {
                waiting.add(thread.lines().findFirst().orElse(thread));
            }
        }
        return waiting;
    }

    /** The JDK's {@code jcmd}, beside the running JVM's {@code java}. */
    private static final class Path {
        static String jcmd() {
            return java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        }
    }

    @AfterAll
    void logHoldsNoSecrets() {
        LogHygiene.assertNoSecretsIn(realm);
    }
}
