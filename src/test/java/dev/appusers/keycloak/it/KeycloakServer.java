package dev.appusers.keycloak.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The real Keycloak 26.7.5 distribution (unpacked by Maven from {@code org.keycloak:keycloak-quarkus-dist}) with the
 * built provider jar, started on free ports. One server runs at a time per JVM; asking for another app database kind
 * restarts it, since {@code db-kind-appdb} is a build-time option.
 */
public final class KeycloakServer {

    public static final String ADMIN_USER = "admin";
    public static final String ADMIN_PASSWORD = "admin";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(8);

    /** Among a server's options: start it in production mode ({@code kc.sh build}, then {@code start --optimized}). */
    public static final String PRODUCTION = "--app-users-it-production";

    /**
     * Among a server's options, a line for {@code conf/quarkus.properties} rather than a {@code kc.sh} option: see
     * {@link #quarkusProperty(String)}.
     */
    private static final String QUARKUS_PROPERTY = "--app-users-it-quarkus-property=";

    /** Build-time options: given to {@code kc.sh build} in production mode, not to {@code start --optimized}. */
    private static final List<String> BUILD_OPTIONS = List.of("--db=", "--db-kind-", "--db-health-exclude-",
            "--transaction-xa-enabled", "--health-enabled", "--metrics-enabled", "--cache=", "--features");

    private static KeycloakServer running;

    private final Path home;
    private final Process process;
    private final int port;
    private final String key;
    private final Path log;
    private final ServerLog serverLog;
    private int management;
    private List<String> options = List.of();

    private KeycloakServer(Path home, Process process, int port, String key, Path log) {
        this.home = home;
        this.process = process;
        this.port = port;
        this.key = key;
        this.log = log;
        this.serverLog = new ServerLog(log);
    }

    /** Where Keycloak's {@code appdb} datasource connects, and as whom. */
    public record Datasource(String url, String user, String password) {
        @Override
        public String toString() {
            return user + " at " + url;
        }
    }

    /**
     * A running Keycloak whose {@code appdb} datasource points at {@code database} on {@code db}, as the server's
     * superuser, on Keycloak's default pool settings.
     */
    public static synchronized KeycloakServer with(AppDb db, String database, String... extraOptions) {
        return with(home(), db, database, extraOptions);
    }

    /** {@link #with(AppDb, String, String...)} on the distribution unpacked at {@code home}. */
    public static synchronized KeycloakServer with(Path home, AppDb db, String database, String... extraOptions) {
        return with(home, db, new Datasource(db.keycloakUrl(database), db.user, db.password), extraOptions);
    }

    /**
     * A running Keycloak of the distribution at {@code home} whose {@code appdb} datasource is {@code appdb}, on
     * Keycloak's default pool settings, as an operator has it.
     */
    public static synchronized KeycloakServer with(Path home, AppDb db, Datasource appdb, String... extraOptions) {
        String key = home + "/" + db + "/" + appdb.url() + "/" + appdb.user() + "/" + String.join(" ", extraOptions);
        if (running != null && running.key.equals(key)) {
            // stopped by a scenario (for kc.sh export, say): started again as an operator would, on its build
            return running.process.isAlive() ? running : running.restart();
        }
        if (running != null) {
            running.stop();
        }
        List<String> options = new ArrayList<>(List.of(
                "--db-kind-appdb=" + db.kind,
                "--db-url-full-appdb=" + appdb.url(),
                "--db-username-appdb=" + appdb.user(),
                "--db-password-appdb=" + appdb.password()));
        options.addAll(List.of(extraOptions));
        // production mode runs the same distribution on the same database kind: a log of its own
        String mode = options.contains(PRODUCTION) ? "-production" : "";
        Path log = Path.of("target", home.getFileName() + Fork.tag() + "-" + db.name().toLowerCase() + mode + ".log")
                .toAbsolutePath();
        try {
            deleteRecursively(home.resolve("data"));
            running = start(home, options, key, log, ProcessBuilder.Redirect.to(log.toFile()), freePort(), freePort());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return running;
    }

    /** Stops the server {@link #with} keeps running (the next {@code with} starts it again), to free the machine. */
    public static synchronized void stopShared() {
        if (running != null) {
            running.stop();
        }
    }

    /**
     * Starts the distribution with the provider jar on the given ports and waits until it is ready.
     *
     * @param output where Keycloak's console goes ({@code log} is read back from there when it is a file)
     */
    public static KeycloakServer start(List<String> options, String key, Path log, ProcessBuilder.Redirect output,
                                       int port, int management) {
        return start(home(), options, key, log, output, port, management);
    }

    /**
     * Starts the distribution unpacked at {@code home} (a copy of {@link #home()}, say, for a second node). Keycloak
     * runs with {@code --cache=local} unless {@code options} choose a cache.
     */
    public static KeycloakServer start(Path home, List<String> options, String key, Path log,
                                       ProcessBuilder.Redirect output, int port, int management) {
        return launch(home, options, key, log, output, port, management, true);
    }

    /**
     * Starts a server as {@link #start(Path, List, String, Path, ProcessBuilder.Redirect, int, int)} does, except that
     * in production mode it runs {@code start --optimized} on the build {@code home} already has, as an operator
     * starts a server again ({@code kc.sh build} only after build options change).
     */
    public static KeycloakServer startBuilt(Path home, List<String> options, String key, Path log,
                                            ProcessBuilder.Redirect output, int port, int management) {
        return launch(home, options, key, log, output, port, management, false);
    }

    /**
     * Stops this server and starts it again: the same distribution, options and ports (clients made for it keep
     * working), without building first, the log continued, {@code data/} kept: what Keycloak's own database holds
     * (realms, offline sessions) is there again, as after an operator's restart. The shared server of {@link #with}
     * becomes the new one.
     */
    public KeycloakServer restart() {
        synchronized (KeycloakServer.class) {
            stop();
            KeycloakServer again = launch(home, options, key, log, ProcessBuilder.Redirect.appendTo(log.toFile()),
                    port, management, false);
            if (running == this) {
                running = again;
            }
            return again;
        }
    }

    /** The unpacked distribution this server runs from. */
    public Path distribution() {
        return home;
    }

    /** The options this server was started with ({@link #PRODUCTION} among them in production mode). */
    public List<String> options() {
        return options;
    }

    /** The options of Keycloak's run time only: what {@code start --optimized} and {@code export --optimized} take. */
    public static boolean isRuntimeOption(String option) {
        return !isBuildOption(option) && !option.equals(PRODUCTION) && !option.startsWith(QUARKUS_PROPERTY);
    }

    /**
     * An option that puts {@code line} into the distribution's {@code conf/quarkus.properties} before Keycloak builds
     * and starts, as an operator of a Keycloak line without a {@code kc.sh} option for it would write it.
     */
    public static String quarkusProperty(String line) {
        return QUARKUS_PROPERTY + line;
    }

    private static KeycloakServer launch(Path home, List<String> options, String key, Path log,
                                         ProcessBuilder.Redirect output, int port, int management,
                                         boolean buildFirst) {
        Path jar = Path.of(System.getProperty("provider.jar", "target/keycloak-app-users-0.1.0-SNAPSHOT.jar"));
        try {
            if (!Files.isDirectory(home)) {
                throw new IllegalStateException("No Keycloak distribution at " + home + ": run through ./mvnw verify");
            }
            // with the built jar's own time stamp: Keycloak re-augments when a provider's time stamp changes, so a
            // second node started from a copy of an augmented home (KeycloakCluster) does not augment again
            Files.copy(jar, home.resolve("providers/keycloak-app-users.jar"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.COPY_ATTRIBUTES);
            home.resolve("bin/kc.sh").toFile().setExecutable(true);
            List<String> all = new ArrayList<>(List.of("--health-enabled=true"));
            if (options.stream().noneMatch(o -> o.startsWith("--cache="))) {
                all.add("--cache=local");
            }
            all.addAll(options);
            StringBuilder properties = new StringBuilder();
            all.stream().filter(o -> o.startsWith(QUARKUS_PROPERTY))
                    .forEach(o -> properties.append(o.substring(QUARKUS_PROPERTY.length())).append('\n'));
            all.removeIf(o -> o.startsWith(QUARKUS_PROPERTY));
            Files.writeString(home.resolve("conf/quarkus.properties"), properties);
            boolean production = all.remove(PRODUCTION);
            List<String> command = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString()));
            if (production && buildFirst) {
                build(home, all.stream().filter(KeycloakServer::isBuildOption).toList(), output);
            }
            if (production) {
                command.addAll(List.of("start", "--optimized", "--http-enabled=true",
                        "--hostname=http://localhost:" + port));
                all.removeIf(KeycloakServer::isBuildOption);
            } else {
                command.add("start-dev");
            }
            BuildCache build = production ? null : BuildCache.of(home,
                    all.stream().filter(KeycloakServer::isBuildOption).toList(), properties.toString(), jar);
            if (build != null) {
                build.restore();
            }
            command.addAll(List.of("--http-port=" + port, "--http-management-port=" + management,
                    // the provider's own debug lines are on in every test run, so the log checks see them
                    "--log-level=INFO,dev.appusers.keycloak:debug"));
            command.addAll(all);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output);
            Map<String, String> env = builder.environment();
            env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
            env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
            // Keycloak's own heap unless told otherwise (start-dev: -Xmx512m), as an operator runs it: the hostile-hash
            // tests show that no row can exhaust it; -Dkeycloak.heap="-Xms256m -Xmx1g" for the server benchmark
            String heap = System.getProperty("keycloak.heap");
            if (heap != null && !heap.isBlank()) {
                env.put("JAVA_OPTS_KC_HEAP", heap);
            }
            // e.g. a flight recording for the server benchmark: -Dkeycloak.java.opts=-XX:StartFlightRecording=...
            String javaOpts = System.getProperty("keycloak.java.opts");
            if (javaOpts != null && !javaOpts.isBlank()) {
                env.put("JAVA_OPTS_APPEND", javaOpts);
            }
            Process process = builder.start();
            KeycloakServer server = new KeycloakServer(home, process, port, key, log);
            server.options = List.copyOf(options);
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
            server.management = management;
            server.awaitReady(management);
            if (build != null) {
                build.keep();
            }
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start Keycloak from " + home, e);
        }
    }

    private static boolean isBuildOption(String option) {
        return BUILD_OPTIONS.stream().anyMatch(option::startsWith);
    }

    /** {@code kc.sh build} with the build-time options, as production deployments run it before starting. */
    private static void build(Path home, List<String> buildOptions, ProcessBuilder.Redirect output) throws IOException {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "build"));
        command.addAll(buildOptions);
        Process build = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output).start();
        try {
            if (!build.waitFor(8, java.util.concurrent.TimeUnit.MINUTES) || build.exitValue() != 0) {
                build.destroyForcibly();
                throw new IllegalStateException("kc.sh build " + buildOptions + " failed; see the server log");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The unpacked distribution of a Keycloak line the suite runs. */
    public static Path home(Target.Line line) {
        String version = line.version();
        if (version == null || line == Target.Line.CURRENT) {
            return home();
        }
        return Fork.home(Path.of(System.getProperty("keycloak.dist.dir", "target/keycloak"), "keycloak-" + version));
    }

    /** The unpacked distribution (this Failsafe fork's copy: {@link Fork#home}). */
    public static Path home() {
        return Fork.home(Path.of(System.getProperty("keycloak.home", "target/keycloak/keycloak-26.7.5")));
    }

    private void awaitReady(int management) {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + ":\n" + tail());
            }
            try {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + management + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(500);
        }
        stop();
        throw new IllegalStateException("Keycloak not ready after " + START_TIMEOUT + ":\n" + tail());
    }

    public String baseUrl() {
        return "http://localhost:" + port;
    }

    /** The management interface: {@code /health}, and {@code /metrics} when started with metrics enabled. */
    public String managementUrl() {
        return "http://127.0.0.1:" + management;
    }

    /** Keycloak's JVM ({@code kc.sh} itself once it exec'd java, else its child), for {@code jcmd}. */
    public ProcessHandle jvm() {
        return Stream.concat(Stream.of(process.toHandle()), process.descendants())
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .findFirst().orElseThrow(() -> new IllegalStateException("no Keycloak JVM under " + process.pid()));
    }

    /** Waits until Keycloak exits (the demo runs until Ctrl-C). */
    public int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    /** The server's whole log so far, since it started (for what a test class saw, see {@link ItRealm#log()}). */
    public String log() {
        return serverLog.since(0);
    }

    /** Where a test class's part of the log starts: see {@link ServerLog#claim()}. */
    public long claimLog() {
        return serverLog.claim();
    }

    /** Where the log ends now, in bytes: a mark for {@link #logSince(long)}. */
    public long logMark() {
        return serverLog.mark();
    }

    /** What the server logged after {@code mark} (a {@link #logMark()} of this server). */
    public String logSince(long mark) {
        return serverLog.since(mark);
    }

    private String tail() {
        List<String> lines;
        try {
            lines = log().lines().toList();
        } catch (IllegalStateException e) {
            return "(" + e.getMessage() + ")";
        }
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    public synchronized void stop() {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            try {
                if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
