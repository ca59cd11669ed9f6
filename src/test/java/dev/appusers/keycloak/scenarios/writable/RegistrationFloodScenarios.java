package dev.appusers.keycloak.scenarios.writable;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.appusers.keycloak.ProviderTexts;
import dev.appusers.keycloak.it.AppPython;
import dev.appusers.keycloak.it.FormFlow;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.On;

/**
 * An anonymous registration flood in WRITABLE mode with syncRegistrations: 200 self-registrations posted at once
 * through Keycloak's registration form, each hashing its password with Litestar-Users' argon2 (100 MiB). Each is
 * answered within a bound, either created (its row verifies with passlib) or refused before anything is created with
 * "The server is busy; please try again in a moment."; no thread is left waiting for a hashing slot; and Keycloak's
 * health endpoint answers within 2 s throughout (or, where it did not and Keycloak alone then needs longer for the
 * same flood in the same run, within half as much again).
 */
@On.Postgres
@On.Mariadb
class RegistrationFloodScenarios extends WritableFixture {

    static final int REGISTRATIONS = 200;
    /**
     * Every registration is answered within this: Keycloak's own queue for its worker threads (200 requests on the
     * 50 of a 2-core machine) plus at most one bounded wait for a hashing slot (20 s) and one hash.
     */
    static final long BOUND_MILLIS = 90_000;
    /** Keycloak's health endpoint answers within this throughout the flood (or see the class comment). */
    static final long HEALTH_BOUND_MILLIS = 2_000;

    @Override
    String fixtureName() {
        return "regflood";
    }

    /** What one registration got: its page or redirect, and how long the post took. */
    record Answer(String email, String password, boolean created, boolean busy, String page, long millis) {
        @Override
        public String toString() {
            return email + (created ? " created" : busy ? " busy" : " other: " + excerpt(page)) + " (" + millis
                    + " ms)";
        }
    }

    /** What one flood got, and the worst health answer and number of health probes while it ran. */
    record Flood(List<Answer> answers, long millis, long worstHealthMillis, long probes) {
        long slowest() {
            return answers.stream().mapToLong(Answer::millis).max().orElse(0);
        }

        Map<String, Long> kinds() {
            Map<String, Long> kinds = new TreeMap<>();
            answers.forEach(a -> kinds.merge(a.created() ? "created" : a.busy() ? "busy" : "other", 1L, Long::sum));
            return kinds;
        }
    }

    @Test
    void twoHundredRegistrationsAtOnceAreEachAnsweredWithinTheBoundAndHealthKeepsAnswering() throws Exception {
        Flood federated = flood(realm.name, "flood-");
        // Keycloak alone (a realm without the component, its own users and hashing, the same flood), measured only
        // where the health bound's 2 s did not hold: 200 registrations hashed with the realm's own algorithm are half a
        // minute of the machine's processors
        Flood baseline = federated.worstHealthMillis() <= HEALTH_BOUND_MILLIS ? null : floodAlone();

        System.out.printf("[%s] %d registrations at once. With app-users: %s in %d ms, slowest %d ms, health worst %d ms "
                + "(%d probes). Keycloak alone: %s%n", db(), REGISTRATIONS, federated.kinds(), federated.millis(),
                federated.slowest(), federated.worstHealthMillis(), federated.probes(), baseline == null
                        ? "not measured (health answered within 2 s)"
                        : String.format("%s in %d ms, slowest %d ms, health worst %d ms (%d probes)", baseline.kinds(),
                                baseline.millis(), baseline.slowest(), baseline.worstHealthMillis(),
                                baseline.probes()));

        List<Answer> answers = federated.answers();
        assertThat(answers).hasSize(REGISTRATIONS).allSatisfy(a -> {
            assertThat(a.created() || a.busy()).as("created, or refused as busy: %s", a).isTrue();
            assertThat(a.millis()).as("answered within the bound: %s", a).isLessThanOrEqualTo(BOUND_MILLIS);
        });
        List<Answer> created = answers.stream().filter(Answer::created).toList();
        assertThat(created).as("some registrations get through the flood").isNotEmpty();
        assertThat(count("SELECT COUNT(*) FROM " + db().userTable() + " WHERE email LIKE 'flood-%@example.com'"))
                .as("a row for each created registration, none for a refused one").isEqualTo(created.size());
        for (Answer sample : created.subList(0, Math.min(3, created.size()))) {
            String hash = (String) strings("SELECT password_hash FROM " + db().userTable() + " WHERE email = '"
                    + sample.email() + "'").get(0);
            assertThat(AppPython.verifies("argon2", sample.password(), hash)).as("passlib verifies %s's row",
                    sample.email()).isTrue();
        }
        assertThat(waitingThreads()).as("threads still waiting for a hashing slot or memory").isEmpty();
        Answer late = register(openRegistrationForm(realm.name), "flood-after");
        assertThat(late.created()).as("a registration after the flood: %s", late).isTrue();
        assertThat(federated.probes()).as("health probes during the flood").isGreaterThanOrEqualTo(3);
        // within 2 s, or, where Keycloak alone already needs longer for the same flood in the same run (its own
        // handling of 200 registrations on a 2-core machine other work shares), within half as much again
        assertThat(federated.worstHealthMillis()).as("worst health answer during the flood, ms")
                .isLessThanOrEqualTo(Math.max(HEALTH_BOUND_MILLIS, baseline == null ? 0 : baseline.worstHealthMillis() * 3 / 2));
    }

    private Flood floodAlone() throws Exception {
        String alone = realm.name + "_alone";
        realm.admin.deleteIfPresent("/" + alone);
        realm.admin.createRealm(alone);
        return flood(alone, "alone-");
    }

    private Flood flood(String realmName, String prefix) throws Exception {
        assertThat(realm.admin.put("/" + realmName, Map.of("registrationAllowed", true)).status()).isEqualTo(204);
        List<FormFlow> forms = openRegistrationForms(realmName);
        AtomicBoolean flooding = new AtomicBoolean(true);
        CompletableFuture<long[]> health = CompletableFuture.supplyAsync(() -> watchHealth(flooding));
        long start = System.nanoTime();
        List<Answer> answers;
        try {
            answers = registerAtOnce(forms, prefix);
        } finally {
            flooding.set(false);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        long[] healthTimes = health.get(60, TimeUnit.SECONDS);
        return new Flood(answers, millis, healthTimes[0], healthTimes[1]);
    }

    private List<FormFlow> openRegistrationForms(String realmName) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<FormFlow>> opened = new ArrayList<>();
            for (int i = 0; i < REGISTRATIONS; i++) {
                opened.add(pool.submit(() -> openRegistrationForm(realmName)));
            }
            List<FormFlow> forms = new ArrayList<>();
            for (Future<FormFlow> form : opened) {
                forms.add(form.get(120, TimeUnit.SECONDS));
            }
            return forms;
        } finally {
            pool.shutdownNow();
        }
    }

    private FormFlow openRegistrationForm(String realmName) {
        FormFlow flow = new FormFlow().open(realm.server.baseUrl() + "/realms/" + realmName
                + "/protocol/openid-connect/registrations?client_id=" + OidcClient.CLIENT_ID
                + "&response_type=code&scope=openid&redirect_uri=" + Http.encode(OidcClient.REDIRECT_URI)
                + OidcClient.pkceParameters());
        assertThat(flow.html()).as("registration form").contains("password-confirm");
        return flow;
    }

    /** Posts every form at the same instant, one thread each; stops by itself after twice the bound. */
    private List<Answer> registerAtOnce(List<FormFlow> forms, String prefix) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(forms.size());
        CountDownLatch ready = new CountDownLatch(forms.size());
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Answer>> posted = new ArrayList<>();
            for (int i = 0; i < forms.size(); i++) {
                FormFlow form = forms.get(i);
                String name = prefix + i;
                posted.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return register(form, name);
                }));
            }
            assertThat(ready.await(30, TimeUnit.SECONDS)).as("the posting threads started").isTrue();
            go.countDown();
            List<Answer> answers = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2 * BOUND_MILLIS);
            for (Future<Answer> answer : posted) {
                answers.add(answer.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Answer register(FormFlow form, String name) {
        String email = name + "@example.com";
        String password = "Flood-Secret-" + name;
        long start = System.nanoTime();
        form.submit(Map.of("username", email, "email", email, "firstName", "Flood", "lastName", name,
                "password", password, "password-confirm", password));
        long millis = (System.nanoTime() - start) / 1_000_000;
        boolean created = form.redirect() != null && form.redirect().startsWith(OidcClient.REDIRECT_URI);
        boolean busy = !created && form.html() != null && form.html().contains(ProviderTexts.REGISTRATION_BUSY);
        return new Answer(email, password, created, busy, form.html(), millis);
    }

    /** Probes {@code /health/ready} every 200 ms while the flood runs: {worst ms, probes}. */
    private long[] watchHealth(AtomicBoolean flooding) {
        HttpClient probe = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
        AtomicLong worst = new AtomicLong();
        long probes = 0;
        while (flooding.get() || probes < 3) {
            long start = System.nanoTime();
            Http.Response health = Http.send(probe, HttpRequest.newBuilder(URI.create(realm.server.managementUrl()
                    + "/health/ready")).timeout(Duration.ofSeconds(60)).build());
            worst.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
            assertThat(health.status()).as("health during the flood: %s", health.body()).isEqualTo(200);
            probes++;
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new long[] {worst.get(), probes};
    }

    /** Threads of Keycloak's JVM inside the provider's slot or memory waits, from a thread dump. */
    private List<String> waitingThreads() throws IOException, InterruptedException {
        String jcmd = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process dump = new ProcessBuilder(jcmd, String.valueOf(realm.server.jvm().pid()), "Thread.print")
                .redirectErrorStream(true).start();
        String threads = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(dump.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(threads).as("a thread dump of Keycloak").contains("executor-thread");
        List<String> waiting = new ArrayList<>();
        for (String thread : threads.split("\n\n")) {
            if (thread.contains("password.ComputeSlots") || thread.contains("password.MemoryBudget")) {
                waiting.add(thread.lines().findFirst().orElse(thread));
            }
        }
        return waiting;
    }

    private List<Object> strings(String sql) {
        List<Object> values = new ArrayList<>();
        try (var c = db().connectTo(schema); var rs = c.createStatement().executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getObject(1));
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return values;
    }

    private static String excerpt(String page) {
        if (page == null) {
            return "(left Keycloak)";
        }
        java.util.regex.Matcher message = java.util.regex.Pattern.compile("(?s)<(?:span|div)[^>]*(?:alert|error|kc-feedback)[^>]*>"
                + "(.{0,300})").matcher(page);
        return message.find() ? message.group(1).replaceAll("\\s+", " ") : page.substring(0, Math.min(300,
                page.length())).replaceAll("\\s+", " ");
    }
}
