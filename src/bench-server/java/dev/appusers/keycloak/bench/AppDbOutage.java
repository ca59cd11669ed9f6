package dev.appusers.keycloak.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import dev.appusers.keycloak.it.TcpProxy;

/**
 * The soak's app-database outage: a real restart of this machine's PostgreSQL cluster
 * ({@code pg_ctlcluster --skip-systemctl-redirect <version> main restart}), or the test proxy between Keycloak and
 * PostgreSQL cut and restored. Other test runs share that PostgreSQL, so before a real restart it waits (polling every
 * 30 s, up to {@code waitMinutes}) until no test JVM or other server benchmark runs, and cuts the proxy instead if one
 * still does.
 */
final class AppDbOutage {

    /** Command-line fragments of runs a restart would disturb: failsafe's and surefire's forked JVMs, bench runs. */
    private static final List<String> BUSY_MARKERS = List.of("failsafe", "surefirebooter", "-Pbench-server");

    /** What happened: {@code start} when the database went away, {@code back} when it accepted connections again. */
    record Result(String how, long start, long back, String detail) {
    }

    private AppDbOutage() {
    }

    /**
     * @param mode {@code restart} (a real restart unless other runs are busy) or {@code proxy} (always the cut)
     */
    static Result run(String mode, TcpProxy proxy, int waitMinutes, int cutSeconds, Consumer<String> log)
            throws InterruptedException {
        if ("proxy".equals(mode)) {
            return cut(proxy, cutSeconds, "-Dsoak.outage=proxy");
        }
        long began = System.nanoTime();
        long giveUp = began + TimeUnit.MINUTES.toNanos(waitMinutes);
        List<String> busy = busy();
        List<String> told = List.of();
        while (!busy.isEmpty() && System.nanoTime() < giveUp) {
            if (!busy.equals(told)) {
                log.accept("waiting for other runs on this PostgreSQL before restarting it: " + busy);
                told = busy;
            }
            TimeUnit.SECONDS.sleep(30);
            busy = busy();
        }
        if (!busy.isEmpty()) {
            return cut(proxy, cutSeconds, "other runs still used this PostgreSQL after waiting " + waitMinutes
                    + " min: " + busy);
        }
        return restart(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began));
    }

    private static Result restart(long waitedSeconds) {
        String version = clusterVersion();
        List<String> command = List.of("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart");
        long start = System.nanoTime();
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
            return new Result("PostgreSQL restart", start, System.nanoTime(), String.join(" ", command)
                    + (output.isEmpty() ? "" : " (" + output + ")") + (waitedSeconds == 0 ? ""
                    : ", after waiting " + waitedSeconds + " s for other runs on this PostgreSQL to end"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Result cut(TcpProxy proxy, int seconds, String why) throws InterruptedException {
        long start = System.nanoTime();
        proxy.cut();
        TimeUnit.SECONDS.sleep(seconds);
        proxy.restore();
        return new Result("TcpProxy cut for " + seconds + " s (PostgreSQL kept running)", start, System.nanoTime(),
                "why not a restart: " + why);
    }

    /** {@code ls /etc/postgresql | head -n1}. */
    private static String clusterVersion() {
        try (Stream<Path> versions = Files.list(Path.of("/etc/postgresql"))) {
            return versions.map(p -> p.getFileName().toString()).sorted().findFirst()
                    .orElseThrow(() -> new IllegalStateException("no cluster under /etc/postgresql"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /etc/postgresql", e);
        }
    }

    /** Other processes whose command line has a {@link #BUSY_MARKERS} fragment (not this run or its parents). */
    static List<String> busy() {
        Set<Long> ours = new HashSet<>();
        for (Optional<ProcessHandle> p = Optional.of(ProcessHandle.current()); p.isPresent(); p = p.get().parent()) {
            ours.add(p.get().pid());
        }
        List<String> busy = new ArrayList<>();
        ProcessHandle.allProcesses().filter(p -> !ours.contains(p.pid())).forEach(p -> {
            String line = p.info().commandLine().orElse("");
            BUSY_MARKERS.stream().filter(line::contains).findFirst()
                    .ifPresent(marker -> busy.add(p.pid() + " (" + marker + ")"));
        });
        return busy;
    }
}
