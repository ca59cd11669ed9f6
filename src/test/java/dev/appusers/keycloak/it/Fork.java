package dev.appusers.keycloak.it;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The Failsafe fork a suite runs in ({@link #number()}): two suites run at once, one per fork, each with its own
 * Keycloak server. Fork 1 uses the names of a one-fork run; another fork's databases and
 * schemas carry {@code _f<n>} ({@link AppDb#database}), and it runs Keycloak from its own copy of each distribution
 * (a server builds into and writes below its home), its logs named after that copy.
 */
public final class Fork {

    private Fork() {
    }

    private static int number;
    /** Held open while this JVM runs: the lock on {@code target/it-forks/<n>.lock} that makes {@link #number}. */
    private static FileChannel lock;

    /**
     * This JVM's number among the suite JVMs that run at once: {@code -Dit.fork=<n>} when given, else the lowest
     * {@code n} whose {@code target/it-forks/<n>.lock} no other JVM holds (1 when this JVM runs alone), held until the
     * JVM exits.
     */
    public static synchronized int number() {
        if (number > 0) {
            return number;
        }
        String given = System.getProperty("it.fork", "");
        if (given.matches("\\d+")) {
            number = Integer.parseInt(given);
            return number;
        }
        try {
            Path dir = Files.createDirectories(Path.of("target", "it-forks"));
            for (int n = 1; n <= 64; n++) {
                FileChannel channel = FileChannel.open(dir.resolve(n + ".lock"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
                if (channel.tryLock() != null) {
                    lock = channel;
                    number = n;
                    return number;
                }
                channel.close();
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot take a fork number under target/it-forks", e);
        }
        throw new IllegalStateException("more than 64 suite JVMs at once under target/it-forks");
    }

    /** {@code ""} in fork 1, else {@code _f<n>}: what the fork's database names end with. */
    static String suffix() {
        return mark("_f");
    }

    /** {@code ""} in fork 1, else {@code -f<n>}: what the fork's log names carry. */
    static String tag() {
        return mark("-f");
    }

    private static String mark(String prefix) {
        return number() == 1 ? "" : prefix + number();
    }

    /**
     * The distribution at {@code home} for this fork: itself in fork 1; in another, a copy made the first time (under
     * {@code <home's parent>-f<n>/}), without the server state ({@code data/}) the original may hold.
     */
    static synchronized Path home(Path home) {
        if (number() == 1) {
            return home;
        }
        Path parent = home.toAbsolutePath().getParent();
        Path copy = parent.resolveSibling(parent.getFileName() + tag()).resolve(home.getFileName());
        if (Files.isDirectory(copy.resolve("bin")) && Files.isDirectory(copy.resolve("lib"))) {
            return copy;
        }
        try {
            KeycloakServer.deleteRecursively(copy);
            return KeycloakCluster.copyDistribution(home.toAbsolutePath(), copy);
        } catch (IOException e) {
            throw new IllegalStateException("cannot copy " + home + " to " + copy, e);
        }
    }
}
