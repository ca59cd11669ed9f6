package dev.appusers.keycloak.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.appusers.keycloak.it.KeycloakServer;

/**
 * Keycloak's heap, read from its own metrics endpoint ({@code jvm_memory_used_bytes{area="heap"}}, summed over the
 * pools); a full collection is asked for with {@code jcmd GC.run} from the JDK running this benchmark.
 */
final class Heap {

    private static final Pattern HEAP_LINE = Pattern.compile("^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} (\\S+)$",
            Pattern.MULTILINE);

    private final KeycloakServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    Heap(KeycloakServer server) {
        this.server = server;
    }

    /** Heap in use now, in MiB. */
    long usedMiB() {
        try {
            String metrics = http.send(HttpRequest.newBuilder(URI.create(server.managementUrl() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            double bytes = 0;
            Matcher m = HEAP_LINE.matcher(metrics);
            while (m.find()) {
                bytes += Double.parseDouble(m.group(1));
            }
            return Math.round(bytes / (1024 * 1024));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read Keycloak's metrics", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Heap in use after two full collections, in MiB. */
    long usedAfterGcMiB() {
        gc();
        pause();
        gc();
        pause(); // the metrics endpoint's reading follows the collection
        return usedMiB();
    }

    private static void pause() {
        try {
            Thread.sleep(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void gc() {
        jcmd(server, "GC.run");
    }

    /** Prints the {@code top} largest classes of Keycloak's live heap ({@code jcmd GC.class_histogram}). */
    static void histogram(KeycloakServer server, int top) {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElse("java")).resolveSibling("jcmd");
        try {
            Process process = new ProcessBuilder(jcmd.toString(), Long.toString(server.jvm().pid()),
                    "GC.class_histogram").redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            process.waitFor(60, TimeUnit.SECONDS);
            out.lines().limit(top + 3L).forEach(line -> System.out.println("  heap: " + line));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + jcmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs {@code jcmd <Keycloak's pid> arguments...} with the JDK running this benchmark. */
    static void jcmd(KeycloakServer server, String... arguments) {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElse("java")).resolveSibling("jcmd");
        try {
            List<String> command = new ArrayList<>(List.of(jcmd.toString(), Long.toString(server.jvm().pid())));
            command.addAll(List.of(arguments));
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + jcmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Samples the heap every second while {@code work} runs; returns the highest reading in MiB. (Each reading
     * makes Keycloak compute its cache gauges, which costs Keycloak CPU: more often would show in the figures.)
     */
    long peakDuring(Runnable work) {
        AtomicLong peak = new AtomicLong(usedMiB());
        Thread sampler = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    peak.accumulateAndGet(usedMiB(), Math::max);
                    Thread.sleep(1000);
                }
            } catch (InterruptedException | RuntimeException e) {
                // the work is done
            }
        }, "heap-sampler");
        sampler.start();
        try {
            work.run();
        } finally {
            sampler.interrupt();
        }
        return peak.get();
    }
}
