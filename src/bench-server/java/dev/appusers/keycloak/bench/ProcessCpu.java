package dev.appusers.keycloak.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time a process has used (user + system), read from Linux's {@code /proc/<pid>/stat} in clock ticks of 10 ms:
 * summed over many requests it tells how much of their latency was Keycloak computing and how much waiting.
 */
final class ProcessCpu {

    private static final long MICROS_PER_TICK = 10_000;

    private final Path stat;

    ProcessCpu(long pid) {
        this.stat = Path.of("/proc", Long.toString(pid), "stat");
    }

    /** Microseconds of CPU so far, or -1 where there is no {@code /proc}. */
    long micros() {
        try {
            String line = Files.readString(stat);
            // the fields after the command name, which is in parentheses and may itself hold spaces
            String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * MICROS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
