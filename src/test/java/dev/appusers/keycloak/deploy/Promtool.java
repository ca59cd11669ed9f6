package dev.appusers.keycloak.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code promtool} (package {@code prometheus}; .ci/run installs it), run on the project's files. A missing
 * promtool fails the test that needs it: the rules are not checked otherwise. Override the path with
 * {@code -Dpromtool=...}.
 */
final class Promtool {

    record Result(int exit, String output) {
    }

    private Promtool() {
    }

    static Result run(String... args) {
        String promtool = System.getProperty("promtool", "/usr/bin/promtool");
        if (!new File(promtool).canExecute()) {
            throw new AssertionError("No " + promtool + ": apt-get install -y prometheus (.ci/run installs it)");
        }
        List<String> command = new ArrayList<>(List.of(promtool));
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("promtool", ".txt");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                    .start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in 120 s");
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            Files.delete(out);
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + command, e);
        }
    }
}
