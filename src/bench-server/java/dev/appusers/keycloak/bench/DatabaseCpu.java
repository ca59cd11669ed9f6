package dev.appusers.keycloak.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time the local PostgreSQL server has used (user + system, summed over its processes), read from Linux's
 * {@code /proc}: the difference between two windows with the same app load, one with the change feed polling and one
 * without, is what the feed costs the app database.
 */
final class DatabaseCpu {

    private static final long MICROS_PER_TICK = 10_000;

    private DatabaseCpu() {
    }

    /** Microseconds of CPU used so far by the processes named {@code postgres}, or -1 where there is no /proc. */
    static long postgresMicros() {
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            return processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .mapToLong(DatabaseCpu::postgresTicks).sum() * MICROS_PER_TICK;
        } catch (IOException e) {
            return -1;
        }
    }

    private static long postgresTicks(Path process) {
        try {
            String line = Files.readString(process.resolve("stat"));
            String name = line.substring(line.indexOf('(') + 1, line.lastIndexOf(')'));
            if (!name.equals("postgres")) {
                return 0;
            }
            String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return 0; // the process ended meanwhile
        }
    }
}
