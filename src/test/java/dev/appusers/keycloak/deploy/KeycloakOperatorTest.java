package dev.appusers.keycloak.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * deploy/kubernetes: the Keycloak Operator's {@code Keycloak} resource runs the Dockerfile's image optimized, passes
 * the app database as the jar's named datasource through {@code additionalOptions} (each a {@code kc.sh start} option
 * of the distribution), and takes every credential from the example Secrets. No cluster.
 */
class KeycloakOperatorTest {

    static final Path DIR = Path.of("deploy/kubernetes");

    static JsonNode keycloak;
    static Map<String, JsonNode> secrets = new LinkedHashMap<>();
    static Dockerfile dockerfile;

    @BeforeAll
    static void read() throws Exception {
        keycloak = new YAMLMapper().readTree(DIR.resolve("keycloak.yaml").toFile());
        try (MappingIterator<JsonNode> docs = new YAMLMapper().readerFor(JsonNode.class)
                .readValues(DIR.resolve("secrets.yaml").toFile())) {
            for (JsonNode doc : docs.readAll()) {
                assertThat(doc.get("kind").asText()).isEqualTo("Secret");
                secrets.put(doc.at("/metadata/name").asText(), doc);
            }
        }
        dockerfile = Dockerfile.read(Path.of("Dockerfile"));
    }

    /** spec.additionalOptions as name -> the entry ({@code value} or {@code secret}). */
    static Map<String, JsonNode> additionalOptions() {
        Map<String, JsonNode> options = new LinkedHashMap<>();
        keycloak.at("/spec/additionalOptions").forEach(o -> {
            assertThat(options.put(o.get("name").asText(), o)).as("duplicate %s", o.get("name")).isNull();
        });
        return options;
    }

    @Test
    void isAnOperatorKeycloakStartingTheOptimizedImageOfThePomsKeycloakVersion() {
        assertThat(keycloak.get("apiVersion").asText()).isEqualTo("k8s.keycloak.org/v2alpha1");
        assertThat(keycloak.get("kind").asText()).isEqualTo("Keycloak");
        assertThat(keycloak.at("/spec/startOptimized").isBoolean()).isTrue();
        assertThat(keycloak.at("/spec/startOptimized").booleanValue()).isTrue();
        String image = keycloak.at("/spec/image").asText();
        assertThat(image).endsWith(":" + Recipes.keycloakVersion()).doesNotStartWith("quay.io/keycloak/keycloak:");
    }

    @Test
    void everyAdditionalOptionIsAStartOptionOfTheDistribution() {
        KeycloakOptions start = KeycloakOptions.of("start");

        assertThat(additionalOptions().keySet()).isNotEmpty().allSatisfy(name -> assertThat(start.match(name))
                .as("%s in %s; near: %s", name, start, start.near(name)).isPresent());
    }

    @Test
    void appDatabaseIsTheJarsNamedDatasource() throws Exception {
        String ds = Recipes.datasource();
        KeycloakOptions start = KeycloakOptions.of("start");
        Map<String, JsonNode> options = additionalOptions();

        assertThat(options).containsKeys("db-kind-" + ds, "db-url-full-" + ds, "db-username-" + ds,
                "db-password-" + ds);
        for (String name : options.keySet()) {
            String datasource = start.match(name)
                    .orElseThrow(() -> new AssertionError(name + " is no option of " + start)).placeholders()
                    .get("datasource");
            if (datasource != null) {
                assertThat(datasource).as(name).isEqualTo(ds);
            }
        }
        URI url = URI.create(options.get("db-url-full-" + ds).get("value").asText().substring("jdbc:".length()));
        assertThat(url.getScheme()).isEqualTo("postgresql");
        assertThat(options.get("db-kind-" + ds).get("value").asText()).isEqualTo("postgres");
    }

    @Test
    void buildTimeOptionsSayWhatTheImageWasBuiltWith() throws Exception {
        // With startOptimized the operator ignores build-time options (operator guide, "Using custom Keycloak
        // images"); the image's kc.sh build decided them. The resource must not claim anything else.
        KeycloakOptions build = KeycloakOptions.of("build");
        Map<String, String> baked = new LinkedHashMap<>();
        dockerfile.env(0).forEach((env, value) -> baked.put(KeycloakOptions.optionOfEnv(env),
                dockerfile.resolve(0, value)));

        List<String> buildTime = new ArrayList<>();
        additionalOptions().forEach((name, option) -> {
            if (build.match(name).isPresent()) {
                buildTime.add(name);
                assertThat(baked).as("%s is build-time: the Dockerfile must set it", name).containsKey(name);
                assertThat(option.get("value").asText()).as(name).isEqualTo(baked.get(name));
            }
        });
        assertThat(buildTime).contains("db-kind-" + Recipes.datasource(), Recipes.readinessExclusion());
        assertThat(keycloak.at("/spec/db/vendor").asText()).isEqualTo(baked.get("db"));
    }

    @Test
    void theAppDatabaseIsLeftOutOfKeycloaksReadiness() {
        // the operator's readiness probe is /health/ready: with appdb in it, an app database outage would take every
        // Keycloak pod out of the Service (README, "Install")
        assertThat(additionalOptions()).containsKey(Recipes.readinessExclusion());
        assertThat(additionalOptions().get(Recipes.readinessExclusion()).path("value").asText()).isEqualTo("true");
    }

    @Test
    void passwordsComeFromSecretsThatHoldTheKey() {
        Map<String, JsonNode> options = additionalOptions();
        List<JsonNode> references = new ArrayList<>();
        options.forEach((name, option) -> {
            assertThat(option.has("value") ^ option.has("secret")).as("%s: value or secret", name).isTrue();
            if (name.contains("password")) {
                assertThat(option.has("secret")).as("%s from a Secret", name).isTrue();
            }
            if (option.has("secret")) {
                references.add(option.get("secret"));
            }
        });
        references.add(keycloak.at("/spec/db/usernameSecret"));
        references.add(keycloak.at("/spec/db/passwordSecret"));

        assertThat(references).allSatisfy(ref -> {
            JsonNode secret = secrets.get(ref.get("name").asText());
            assertThat(secret).as("Secret %s in secrets.yaml", ref.get("name")).isNotNull();
            assertThat(secret.at("/stringData").has(ref.get("key").asText())).as("key %s", ref).isTrue();
        });
    }
}
