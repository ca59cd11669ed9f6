package dev.appusers.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.config.BootstrapAdminOptions;
import org.keycloak.config.DatabaseOptions;
import org.keycloak.config.HealthOptions;
import org.keycloak.config.MetricsOptions;
import org.keycloak.config.Option;
import org.keycloak.config.TransactionOptions;
import org.w3c.dom.Document;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.appusers.keycloak.config.ConfigDefaults;
import dev.appusers.keycloak.config.ConfigKeys;

/**
 * docker-compose.yml says what the project documents: Keycloak's options for the named datasource the jar declares,
 * the jar Maven builds, the demo realm, and the Keycloak version the jar is built against. Runs without Docker.
 */
class DockerComposeTest {

    static JsonNode compose;
    static JsonNode keycloak;
    static Document pom;

    @BeforeAll
    static void read() throws Exception {
        compose = new YAMLMapper().readTree(Path.of("docker-compose.yml").toFile());
        keycloak = compose.at("/services/keycloak");
        pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
    }

    /** Keycloak's own rule for a named datasource's options: {@code db-kind-<datasource>}, {@code db-username-...}. */
    static final class NamedDatasource extends DatabaseOptions.Datasources {
        static String option(Option<?> option, String datasource) {
            return getDatasourceOption(option).getKey().replace("<datasource>", datasource);
        }
    }

    /** Keycloak's environment variable for an option: {@code KC_}, the name in upper case, {@code _} for {@code -}. */
    static String env(String option) {
        return "KC_" + option.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    static String pom(String xpath) throws Exception {
        return XPathFactory.newInstance().newXPath().evaluate(xpath, pom).strip();
    }

    /** The datasource a component uses unless it names another: {@code appdb}. */
    static String datasourceOfTheJar() {
        return ConfigDefaults.of(ConfigKeys.DATASOURCE);
    }

    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        keycloak.get("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        return env;
    }

    /** Bind mounts as source -> target. */
    List<String[]> volumes(String service) {
        List<String[]> volumes = new ArrayList<>();
        compose.at("/services/" + service + "/volumes").forEach(v -> volumes.add(v.asText().split(":")));
        return volumes;
    }

    @Test
    void appDatabaseVariablesAreKeycloaksOptionsForTheJarsNamedDatasource() throws Exception {
        String datasource = datasourceOfTheJar();
        List<String> options = List.of(DatabaseOptions.DB, DatabaseOptions.DB_URL, DatabaseOptions.DB_USERNAME,
                DatabaseOptions.DB_PASSWORD).stream().map(o -> NamedDatasource.option(o, datasource)).toList();

        assertThat(datasource).isEqualTo("appdb");
        assertThat(options).containsExactly("db-kind-appdb", "db-url-full-appdb", "db-username-appdb",
                "db-password-appdb");
        assertThat(environment()).containsKeys("KC_DB_KIND_APPDB", "KC_DB_URL_FULL_APPDB", "KC_DB_USERNAME_APPDB",
                "KC_DB_PASSWORD_APPDB");
        assertThat(options.stream().map(DockerComposeTest::env).toList())
                .containsExactly("KC_DB_KIND_APPDB", "KC_DB_URL_FULL_APPDB", "KC_DB_USERNAME_APPDB",
                        "KC_DB_PASSWORD_APPDB");
    }

    @Test
    void everyKeycloakVariableIsAKeycloakOption() throws Exception {
        String datasource = datasourceOfTheJar();
        List<String> known = new ArrayList<>();
        for (Option<?> o : List.of(DatabaseOptions.DB, DatabaseOptions.DB_URL, DatabaseOptions.DB_USERNAME,
                DatabaseOptions.DB_PASSWORD)) {
            known.add(env(NamedDatasource.option(o, datasource)));
        }
        known.add(env(TransactionOptions.TRANSACTION_XA_ENABLED.getKey()));
        known.add(env(TransactionOptions.TRANSACTION_XA_ENABLED_DATASOURCE.getKey()
                .replace("<datasource>", datasource)));
        known.add(env(BootstrapAdminOptions.USERNAME.getKey()));
        known.add(env(BootstrapAdminOptions.PASSWORD.getKey()));
        known.add(env(HealthOptions.HEALTH_ENABLED.getKey()));
        known.add(env(MetricsOptions.METRICS_ENABLED.getKey()));
        known.add(env(DatabaseOptions.DB_HEALTH_EXCLUDE.getKey().replace("<datasource>", datasource)));

        assertThat(environment().keySet()).allSatisfy(name -> assertThat(known).contains(name));
        // docs/configuration.md, "Transactions: which database prepares": Keycloak's own database is XA, the app
        // database the one-phase resource.
        assertThat(environment()).containsEntry("KC_TRANSACTION_XA_ENABLED", "true")
                .containsEntry("KC_TRANSACTION_XA_ENABLED_APPDB", "false");
    }

    /**
     * README, "Install": with health on, Keycloak's readiness check covers every datasource unless told otherwise, so
     * an app database outage would turn /health/ready DOWN; the demo leaves appdb out as every recipe does.
     */
    @Test
    void healthIsOnAndTheAppDatabaseIsLeftOutOfKeycloaksReadiness() {
        String exclusion = env(DatabaseOptions.DB_HEALTH_EXCLUDE.getKey().replace("<datasource>", datasourceOfTheJar()));

        assertThat(exclusion).isEqualTo("KC_DB_HEALTH_EXCLUDE_APPDB");
        assertThat(environment()).containsEntry("KC_HEALTH_ENABLED", "true").containsEntry("KC_METRICS_ENABLED", "true")
                .containsEntry(exclusion, "true");
    }

    @Test
    void appDatabaseUrlAndCredentialsPointAtTheAppdbService() throws Exception {
        Map<String, String> env = environment();
        JsonNode postgres = compose.at("/services/appdb/environment");
        URI url = URI.create(env.get("KC_DB_URL_FULL_APPDB").substring("jdbc:".length()));

        assertThat(env).containsEntry("KC_DB_KIND_APPDB", "postgres");
        assertThat(compose.at("/services/appdb/image").asText()).startsWith("postgres:");
        assertThat(url.getScheme()).isEqualTo("postgresql");
        assertThat(url.getHost()).isEqualTo("appdb");
        assertThat(url.getPath()).isEqualTo("/" + postgres.get("POSTGRES_DB").asText());
        assertThat(env.get("KC_DB_USERNAME_APPDB")).isEqualTo(postgres.get("POSTGRES_USER").asText());
        assertThat(env.get("KC_DB_PASSWORD_APPDB")).isEqualTo(postgres.get("POSTGRES_PASSWORD").asText());
        assertThat(keycloak.at("/depends_on/appdb/condition").asText()).isEqualTo("service_healthy");
    }

    @Test
    void providerVolumeIsTheJarMavenBuilds() throws Exception {
        String jar = "./target/" + pom("/project/artifactId") + "-" + pom("/project/version") + ".jar";

        assertThat(volumes("keycloak")).anySatisfy(v -> {
            assertThat(v[0]).isEqualTo(jar);
            assertThat(v[1]).startsWith("/opt/keycloak/providers/").endsWith(".jar");
        });
    }

    @Test
    void realmImportIsTheDemoRealmFile() throws Exception {
        assertThat(keycloak.get("command")).extracting(JsonNode::toString).asString().contains("--import-realm");
        String[] realm = volumes("keycloak").stream().filter(v -> v[1].startsWith("/opt/keycloak/data/import/"))
                .findFirst().orElseThrow(() -> new AssertionError("no volume into /opt/keycloak/data/import/"));

        Path file = Path.of(realm[0]);
        assertThat(file).isRegularFile();
        assertThat(realm[1]).endsWith(".json");
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertThat(json.get("realm").asText()).isEqualTo("demo");
        assertThat(json.get("loginTheme").asText()).isEqualTo("app-users");
    }

    @Test
    void appDatabaseFixturesExist() {
        assertThat(volumes("appdb")).isNotEmpty().allSatisfy(v -> {
            assertThat(Path.of(v[0])).isRegularFile();
            assertThat(v[1]).startsWith("/docker-entrypoint-initdb.d/");
        });
    }

    @Test
    void keycloakImageIsTheVersionTheJarIsBuiltAgainst() throws Exception {
        String version = pom("/project/properties/keycloak.version");

        assertThat(keycloak.get("image").asText()).isEqualTo("quay.io/keycloak/keycloak:" + version);
    }
}
