package dev.appusers.keycloak.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Failsafe fork a suite runs in ({@code it.fork}, Failsafe's {@code surefire.forkNumber}): two suites run at once,
 * one per fork, each with its own Keycloak server. Fork 1 uses the names of a one-fork run; another fork's databases and
 * schemas carry {@code _f<n>} ({@link AppDb#database}), and it runs Keycloak from its own copy of each distribution
 * (a server builds into and writes below its home), its logs named after that copy.
 */
public final class Fork {

    private Fork() {
    }

    /** This JVM's fork: 1 outside Failsafe's forks. */
    public static int number() {
        String fork = System.getProperty("it.fork", "");
        return fork.matches("\\d+") ? Integer.parseInt(fork) : 1;
    }

    /** {@code ""} in fork 1, else {@code _f<n>}: what the fork's database names end with. */
    static String suffix() {
        return number() == 1 ? "" : "_f" + number();
    }

    /** {@code ""} in fork 1, else {@code -f<n>}: what the fork's log names carry. */
    static String tag() {
        return number() == 1 ? "" : "-f" + number();
    }

    /**
     * The distribution at {@code home} for this fork: itself in fork 1; in another, a copy made the first time (under
     * {@code <home's parent>-f<n>/}), without the server state ({@code data/}) the original may hold.
     */
    static synchronized Path home(Path home) {
        if (number() == 1) {
            return home;
        }
        Path copy = home.toAbsolutePath().getParent().resolveSibling(
                home.toAbsolutePath().getParent().getFileName() + tag()).resolve(home.getFileName());
        if (Files.isDirectory(copy.resolve("bin")) && Files.isDirectory(copy.resolve("lib"))) {
            return copy;
        }
        try {
            KeycloakServer.deleteRecursively(copy);
            Files.createDirectories(copy.getParent());
            Process cp = new ProcessBuilder(List.of("cp", "-a", home.toAbsolutePath().toString(), copy.toString()))
                    .inheritIO().start();
            if (!cp.waitFor(5, TimeUnit.MINUTES) || cp.exitValue() != 0) {
                throw new IllegalStateException("cannot copy " + home + " to " + copy);
            }
            KeycloakServer.deleteRecursively(copy.resolve("data"));
            return copy;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
