package dev.appusers.keycloak.it;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Keycloak's own commands beside the server ({@code kc.sh export}, {@code kc.sh import}), run as Keycloak's guide
 * asks: with the server stopped, on its distribution and with its database options (Keycloak's own database and the
 * named datasources), {@code --optimized} when the server runs in production mode.
 */
public final class KcCommand {

    private static final long TIMEOUT_MINUTES = 8;

    private KcCommand() {
    }

    /**
     * Runs {@code kc.sh} with {@code arguments} for the stopped {@code server} and fails unless it exits with 0.
     *
     * @param log where the command's output goes (appended)
     */
    public static void run(KeycloakServer server, Path log, String... arguments) {
        List<String> options = server.options();
        boolean production = options.contains(KeycloakServer.PRODUCTION);
        List<String> command = new ArrayList<>(List.of(server.distribution().resolve("bin/kc.sh").toString()));
        command.addAll(List.of(arguments));
        if (production) {
            command.add("--optimized");
        }
        options.stream().filter(o -> o.startsWith("--db"))
                .filter(o -> !production || KeycloakServer.isRuntimeOption(o)).forEach(command::add);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IllegalStateException("kc.sh " + arguments[0] + " did not end within " + TIMEOUT_MINUTES
                        + " minutes; see " + log);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("kc.sh " + arguments[0] + " exited with " + process.exitValue()
                        + "; see " + log);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run kc.sh " + arguments[0], e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
