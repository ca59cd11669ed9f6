package dev.appusers.keycloak.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.appusers.keycloak.deploy.Dockerfile.Instruction;

/**
 * The Dockerfile builds an optimized image of the Keycloak release pom.xml names, with the jar Maven builds and only
 * build-time options baked in, each of them an option the distribution's own {@code kc.sh build} accepts. No Docker.
 */
class DockerfileTest {

    static final int BUILDER = 0;
    static final int RUNTIME = 1;

    static Dockerfile dockerfile;

    @BeforeAll
    static void read() throws Exception {
        dockerfile = Dockerfile.read(Path.of("Dockerfile"));
    }

    @Test
    void keycloakVersionIsOneBuildArgWhoseDefaultIsThePomsKeycloakVersion() {
        assertThat(dockerfile.args(-1)).containsExactly(Map.entry("KEYCLOAK_VERSION", Recipes.keycloakVersion()));
        assertThat(dockerfile.stages()).isEqualTo(2);
        assertThat(dockerfile.all("FROM")).extracting(Instruction::arguments).containsExactly(
                "quay.io/keycloak/keycloak:${KEYCLOAK_VERSION} AS builder",
                "quay.io/keycloak/keycloak:${KEYCLOAK_VERSION}");
    }

    @Test
    void builderCopiesTheJarMavenBuildsIntoProvidersAndRunsKcBuild() {
        List<Instruction> builder = dockerfile.instructions().stream().filter(i -> i.stage() == BUILDER).toList();
        String[] copy = dockerfile.inStage(BUILDER, "COPY").get(0).arguments().split("\\s+");

        assertThat(dockerfile.inStage(BUILDER, "COPY")).hasSize(1);
        assertThat(copy).hasSize(2);
        assertThat(copy[0]).isEqualTo(Recipes.jar());
        assertThat(copy[1]).startsWith("/opt/keycloak/providers/").endsWith(".jar");
        assertThat(dockerfile.inStage(BUILDER, "RUN")).extracting(Instruction::arguments)
                .containsExactly("/opt/keycloak/bin/kc.sh build");
        assertThat(builder.get(builder.size() - 1).keyword()).as("kc.sh build comes last").isEqualTo("RUN");
    }

    @Test
    void dockerignoreLetsTheJarThrough() throws Exception {
        List<String> rules = Files.readAllLines(Path.of(".dockerignore")).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        Path jar = Path.of(Recipes.jar());

        // Docker applies the rules in order, the last matching one wins.
        boolean excluded = false;
        for (String rule : rules) {
            boolean negated = rule.startsWith("!");
            String glob = negated ? rule.substring(1) : rule;
            if (FileSystems.getDefault().getPathMatcher("glob:" + glob).matches(jar)
                    || FileSystems.getDefault().getPathMatcher("glob:" + glob).matches(jar.getName(0))) {
                excluded = !negated;
            }
        }
        assertThat(excluded).as("%s excluded by .dockerignore %s", jar, rules).isFalse();
    }

    @Test
    void everyKcVariableIsABuildTimeOptionOfTheDistribution() {
        KeycloakOptions build = KeycloakOptions.of("build");
        Map<String, String> env = dockerfile.env(BUILDER);

        assertThat(env.keySet()).isNotEmpty().allSatisfy(name -> assertThat(name).startsWith("KC_"));
        assertThat(env.keySet()).allSatisfy(name -> {
            String option = KeycloakOptions.optionOfEnv(name);
            assertThat(build.match(option)).as("%s (%s) in %s; near: %s", name, option, build, build.near(option))
                    .isPresent();
        });
        // a KC_* build arg is only a default: it must reach kc.sh build through an ENV of the same name
        assertThat(dockerfile.args(BUILDER).keySet()).filteredOn(name -> name.startsWith("KC_"))
                .allSatisfy(name -> assertThat(env).containsKey(name));
    }

    @Test
    void namedDatasourceOptionsAreForTheJarsDatasource() throws Exception {
        KeycloakOptions build = KeycloakOptions.of("build");

        for (String name : dockerfile.env(BUILDER).keySet()) {
            String datasource = build.match(KeycloakOptions.optionOfEnv(name))
                    .orElseThrow(() -> new AssertionError(name + " is no option of " + build)).placeholders()
                    .get("datasource");
            if (datasource != null) {
                assertThat(datasource).as(name).isEqualTo(Recipes.datasource());
            }
        }
        assertThat(build.match("db-kind-" + Recipes.datasource())).map(KeycloakOptions.Match::listed)
                .contains("db-kind-<datasource>");
    }

    @Test
    void imageIsBuiltForKeycloaksDatabaseTheAppDatabaseAndTheOperatorsProbes() throws Exception {
        Map<String, String> env = dockerfile.env(BUILDER);
        String kind = "KC_DB_KIND_" + Recipes.datasource().toUpperCase(Locale.ROOT);

        assertThat(env).containsKeys("KC_DB", kind, "KC_TRANSACTION_XA_ENABLED", "KC_TRANSACTION_XA_ENABLED_APPDB");
        assertThat(dockerfile.resolve(BUILDER, env.get("KC_DB"))).isEqualTo("postgres");
        assertThat(dockerfile.resolve(BUILDER, env.get(kind))).isEqualTo("postgres");
        assertThat(dockerfile.args(BUILDER)).containsEntry("KC_DB", "postgres").containsEntry(kind, "postgres");
        // the operator's probes need these in an optimized image (operator guide, "Using custom Keycloak images")
        assertThat(env).containsEntry("KC_HEALTH_ENABLED", "true").containsEntry("KC_METRICS_ENABLED", "true");
        // README, "Install": Keycloak's own defaults (READ_ONLY needs no more); WRITABLE operators flip them per
        // docs/configuration.md, "Transactions: which database prepares"
        assertThat(dockerfile.resolve(BUILDER, env.get("KC_TRANSACTION_XA_ENABLED"))).isEqualTo("false");
        assertThat(dockerfile.resolve(BUILDER, env.get("KC_TRANSACTION_XA_ENABLED_APPDB"))).isEqualTo("true");
        assertThat(env.values()).allSatisfy(v -> assertThat(dockerfile.resolve(BUILDER, v)).doesNotContain("${"));
    }

    @Test
    void imageLeavesTheAppDatabaseOutOfKeycloaksReadiness() {
        String option = Recipes.readinessExclusion();
        String env = "KC_" + option.toUpperCase(Locale.ROOT).replace('-', '_');

        assertThat(KeycloakOptions.of("build").match(option)).as("%s is a build option of Keycloak %s", option,
                Recipes.keycloakVersion()).map(KeycloakOptions.Match::listed).contains("db-health-exclude-<datasource>");
        assertThat(dockerfile.env(BUILDER)).containsEntry("KC_HEALTH_ENABLED", "true").containsEntry(env, "true");
    }

    @Test
    void runtimeStageIsTheBuiltServerStartedOptimizedWithNothingBakedIn() {
        assertThat(dockerfile.inStage(RUNTIME, "COPY")).extracting(Instruction::arguments)
                .containsExactly("--from=builder /opt/keycloak/ /opt/keycloak/");
        assertThat(dockerfile.inStage(RUNTIME, "ENV")).isEmpty();
        assertThat(dockerfile.inStage(RUNTIME, "ARG")).isEmpty();
        assertThat(dockerfile.inStage(RUNTIME, "ENTRYPOINT")).extracting(Instruction::arguments)
                .containsExactly("[\"/opt/keycloak/bin/kc.sh\"]");
        assertThat(dockerfile.inStage(RUNTIME, "CMD")).extracting(Instruction::arguments)
                .containsExactly("[\"start\", \"--optimized\"]");
    }

    @Test
    void noRuntimeOptionIsBakedIntoTheImage() {
        KeycloakOptions build = KeycloakOptions.of("build");

        // URLs, credentials and the hostname are runtime options: kc.sh build does not list them
        for (String runtime : List.of("db-url-full-appdb", "db-username-appdb", "db-password-appdb", "db-password",
                "hostname")) {
            assertThat(build.match(runtime)).as(runtime).isEmpty();
        }
        assertThat(dockerfile.instructions()).extracting(Instruction::arguments)
                .allSatisfy(a -> assertThat(a).doesNotContainIgnoringCase("PASSWORD").doesNotContain("DB_URL")
                        .doesNotContain("HOSTNAME"));
    }
}
