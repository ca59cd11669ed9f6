package dev.appusers.keycloak.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The option names one {@code kc.sh} command of the Keycloak distribution the build unpacks accepts, read from its own
 * {@code --help-all}: {@code build} lists the build-time options, {@code start} every option. Named-datasource options
 * are listed as patterns ({@code db-kind-<datasource>}); {@link #match} tells which datasource a name is for.
 */
final class KeycloakOptions {

    private static final Pattern OPTION_LINE = Pattern.compile("^--([a-z0-9][a-z0-9<>-]*)");
    private static final Pattern PLACEHOLDER = Pattern.compile("<([a-z]+)>");
    private static final Map<String, KeycloakOptions> BY_COMMAND = new ConcurrentHashMap<>();

    private final String command;
    private final List<String> names;

    private KeycloakOptions(String command, List<String> names) {
        this.command = command;
        this.names = names;
    }

    /** The options of {@code kc.sh <command>}, e.g. {@code build} or {@code start}; run once per test JVM. */
    static KeycloakOptions of(String command) {
        return BY_COMMAND.computeIfAbsent(command, KeycloakOptions::read);
    }

    /** Keycloak's environment variable for an option, the other way round: {@code KC_DB_KIND_APPDB} -> {@code db-kind-appdb}. */
    static String optionOfEnv(String env) {
        assertThat(env).startsWith("KC_");
        return env.substring("KC_".length()).toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * How {@code name} is one of this command's options: the option as listed ({@code db-kind-<datasource>}) and what
     * its placeholder stands for ({@code datasource=appdb}); empty if the command has no such option.
     */
    Optional<Match> match(String name) {
        for (String listed : names) {
            Matcher placeholder = PLACEHOLDER.matcher(listed);
            if (!placeholder.find()) {
                if (listed.equals(name)) {
                    return Optional.of(new Match(listed, Map.of()));
                }
                continue;
            }
            String regex = Pattern.quote(listed.substring(0, placeholder.start())) + "(.+)"
                    + Pattern.quote(listed.substring(placeholder.end()));
            Matcher m = Pattern.compile(regex).matcher(name);
            if (m.matches()) {
                return Optional.of(new Match(listed, Map.of(placeholder.group(1), m.group(1))));
            }
        }
        return Optional.empty();
    }

    /** For a failure message: the listed options that share {@code name}'s first two words ({@code db-url-...}). */
    List<String> near(String name) {
        String[] words = name.split("-");
        String prefix = words.length > 1 ? words[0] + "-" + words[1] : words[0];
        return names.stream().filter(n -> n.startsWith(prefix)).toList();
    }

    @Override
    public String toString() {
        return "kc.sh " + command + " --help-all (" + names.size() + " options)";
    }

    record Match(String listed, Map<String, String> placeholders) {
    }

    private static KeycloakOptions read(String command) {
        String home = System.getProperty("keycloak.home");
        assertThat(home).as("system property keycloak.home (pom.xml, surefire)").isNotBlank();
        Path kc = Path.of(home, "bin", "kc.sh");
        assertThat(kc).as("the Keycloak distribution unpack-keycloak unpacks (run the tests through ./mvnw)")
                .isRegularFile();
        try {
            Path out = Files.createTempFile("kc-" + command + "-help", ".txt");
            ProcessBuilder builder = new ProcessBuilder(kc.toString(), command, "--help-all")
                    .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
            // only the distribution's own defaults: no KC_* or JAVA_OPTS of whoever runs the tests
            builder.environment().keySet().removeIf(k -> k.startsWith("KC_") || k.startsWith("JAVA_OPTS"));
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process process = builder.start();
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("%s %s --help-all finished", kc, command).isTrue();
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            Files.delete(out);
            assertThat(process.exitValue()).as("%s %s --help-all: %s", kc, command, lines).isZero();
            List<String> names = lines.stream().map(OPTION_LINE::matcher).filter(Matcher::find)
                    .map(m -> m.group(1)).filter(n -> !n.equals("help") && !n.equals("help-all")).toList();
            assertThat(names).as("options in %s %s --help-all", kc, command).isNotEmpty();
            return new KeycloakOptions(command, names);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + kc, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + kc, e);
        }
    }
}
