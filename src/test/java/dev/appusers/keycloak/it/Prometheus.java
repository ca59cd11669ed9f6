package dev.appusers.keycloak.it;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Debian's Prometheus ({@code apt-get install -y prometheus}; .ci/run installs it) on a free port with a storage
 * directory of its own, scraping Keycloak's management port every second and evaluating alert rule files every
 * second: what an operator runs, only faster. Override the path with {@code -Dit.prometheus=...}.
 */
public final class Prometheus implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Path dir;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();

    private Prometheus(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /**
     * Starts Prometheus scraping {@code target}'s {@code /metrics} (host:port) as job {@code keycloak} every second,
     * with {@code ruleFiles} loaded, and waits until it is ready. Its log goes to {@code target/prometheus.log}.
     */
    public static Prometheus scraping(String target, List<Path> ruleFiles) {
        String binary = System.getProperty("it.prometheus", "/usr/bin/prometheus");
        if (!new File(binary).canExecute()) {
            throw new IllegalStateException("No " + binary + ": apt-get install -y prometheus (.ci/run installs it)");
        }
        try {
            Path dir = Files.createTempDirectory("it-prometheus");
            StringBuilder config = new StringBuilder("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                    + "  evaluation_interval: 1s\nrule_files:\n");
            for (Path file : ruleFiles) {
                config.append("  - '").append(file.toAbsolutePath()).append("'\n");
            }
            config.append("scrape_configs:\n  - job_name: keycloak\n    metrics_path: /metrics\n"
                    + "    static_configs:\n      - targets: ['").append(target).append("']\n");
            Path file = dir.resolve("prometheus.yml");
            Files.writeString(file, config);
            int port = KeycloakServer.freePort();
            Path log = Path.of("target", "prometheus.log").toAbsolutePath();
            Process process = new ProcessBuilder(binary, "--config.file=" + file,
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Prometheus prometheus = new Prometheus(process, dir, port);
            Runtime.getRuntime().addShutdownHook(new Thread(prometheus::close));
            prometheus.awaitReady(log);
            return prometheus;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start " + binary, e);
        }
    }

    private void awaitReady(Path log) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Prometheus exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (Http.send(http, HttpRequest.newBuilder(URI.create(url() + "/-/ready")).build()).status() == 200) {
                    return;
                }
            } catch (RuntimeException e) {
                // not listening yet
            }
            sleep(200);
        }
        close();
        throw new IllegalStateException("Prometheus not ready after " + START_TIMEOUT + "; see " + log);
    }

    /** Where its web pages and HTTP API answer. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The series {@code expr} returns now; fails with Prometheus's error if it does not evaluate. */
    public JsonNode result(String expr) {
        return result(expr, null);
    }

    /**
     * The series {@code expr} returned at {@code at} (from what Prometheus stored then; now if null); fails with
     * Prometheus's error if it does not evaluate.
     */
    public JsonNode result(String expr, java.time.Instant at) {
        JsonNode answer = get("/api/v1/query?query=" + Http.encode(expr)
                + (at == null ? "" : "&time=" + at.toEpochMilli() / 1000.0));
        if (!answer.path("status").asText().equals("success")) {
            throw new AssertionError("Prometheus cannot evaluate " + expr + ": " + answer);
        }
        return answer.path("data").path("result");
    }

    /** {@code /api/v1/label/<label>/values} over the series {@code selector} matches. */
    public JsonNode labelValues(String label, String selector) {
        return get("/api/v1/label/" + label + "/values?match[]=" + Http.encode(selector));
    }

    /** {@code /api/v1/alerts}: the alerts pending or firing now. */
    public JsonNode alerts() {
        return get("/api/v1/alerts").path("data").path("alerts");
    }

    /** {@code /api/v1/targets}: whether the last scrape of Keycloak worked ({@code health} "up"). */
    public JsonNode targets() {
        return get("/api/v1/targets").path("data").path("activeTargets");
    }

    /** Evaluates {@code expr} every 500 ms until {@code until} holds for its series, or fails after {@code timeout}. */
    public JsonNode await(String expr, Predicate<JsonNode> until, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = result(expr);
            if (until.test(last)) {
                return last;
            }
            sleep(500);
        }
        throw new AssertionError(what + ": not within " + timeout + "; " + expr + " = " + last);
    }

    private JsonNode get(String path) {
        Http.Response response = Http.send(http, HttpRequest.newBuilder(URI.create(url() + path)).build());
        return response.json();
    }

    @Override
    public synchronized void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            KeycloakServer.deleteRecursively(dir);
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
