package dev.appusers.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The {@code app-users} login theme in the jar: declared, a child of Keycloak's current login theme, styles and
 * messages only, and every message it overrides is one Keycloak 26.7.5 really shows (checked against Keycloak's own
 * themes jar, {@code org.keycloak:keycloak-themes}, so a renamed key shows up on a Keycloak upgrade).
 */
class LoginThemeTest {

    static final Path THEME = Path.of("themes/app-users/login");

    static Properties properties(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return load(in);
        }
    }

    /** A resource of Keycloak's themes jar, e.g. {@code theme/base/login/messages/messages_en.properties}. */
    static Properties keycloakResource(String name) throws IOException {
        try (InputStream in = LoginThemeTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as("Keycloak's %s", name).isNotNull();
            return load(in);
        }
    }

    private static Properties load(InputStream in) throws IOException {
        Properties properties = new Properties();
        properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        return properties;
    }

    @Test
    void jarDeclaresTheThemeForLoginPages() throws IOException {
        JsonNode themes = new ObjectMapper().readTree(Path.of("src/main/resources/META-INF/keycloak-themes.json")
                .toFile()).get("themes");

        assertThat(themes).hasSize(1);
        assertThat(themes.get(0).get("name").asText()).isEqualTo("app-users");
        assertThat(themes.get(0).get("types")).extracting(JsonNode::asText).containsExactly("login");
        assertThat(THEME.resolve("theme.properties")).isRegularFile();
    }

    @Test
    void jarCarriesTheThemeWhereKeycloakLooksForIt() throws IOException {
        // The source lives in themes/ at the top level; pom.xml's <resource> puts it at theme/ in the jar, next to
        // META-INF/keycloak-themes.json, as Keycloak's theme loader expects.
        try (Stream<Path> files = Files.walk(THEME)) {
            assertThat(files.filter(Files::isRegularFile).map(f -> "theme/app-users/login/"
                    + THEME.relativize(f).toString().replace('\\', '/')).toList())
                    .isNotEmpty()
                    .allSatisfy(name -> assertThat(getClass().getClassLoader().getResource(name)).as(name).isNotNull());
        }
        assertThat(getClass().getClassLoader().getResource("META-INF/keycloak-themes.json")).isNotNull();
    }

    @Test
    void themeExtendsKeycloakV2AndForksNoTemplate() throws IOException {
        Properties theme = properties(THEME.resolve("theme.properties"));

        assertThat(theme.getProperty("parent")).isEqualTo("keycloak.v2");
        assertThat(keycloakResource("theme/keycloak.v2/login/theme.properties")).isNotEmpty();
        try (Stream<Path> files = Files.walk(THEME)) {
            assertThat(files.filter(f -> f.toString().endsWith(".ftl")).toList()).as("forked templates").isEmpty();
        }
    }

    @Test
    void everyStylesheetIsOursOrKeycloakV2s() throws IOException {
        String[] styles = properties(THEME.resolve("theme.properties")).getProperty("styles").split("\\s+");

        assertThat(styles).containsExactly("css/styles.css", "css/app-users.css");
        assertThat(THEME.resolve("resources/css/app-users.css")).isRegularFile();
        assertThat(getClass().getClassLoader().getResource("theme/keycloak.v2/login/resources/css/styles.css"))
                .isNotNull();
    }

    @Test
    void everyOverriddenMessageIsAKeyKeycloakShows() throws IOException {
        Properties ours = properties(THEME.resolve("messages/messages_en.properties"));
        Properties base = keycloakResource("theme/base/login/messages/messages_en.properties");

        assertThat(ours.stringPropertyNames()).filteredOn(key -> !key.startsWith("theme.app-users."))
                .isNotEmpty().allSatisfy(key -> assertThat(base).containsKey(key));
        assertThat(ours).containsKeys("accountDisabledMessage", "verifyEmailMessage", "emailVerifyInstruction1");
    }

    @Test
    void messagesReadAsPlainSentencesOnThePage() throws IOException {
        Properties ours = properties(THEME.resolve("messages/messages_en.properties"));
        Object[] arguments = {"bob@example.com"};

        for (String key : ours.stringPropertyNames()) {
            String shown = new MessageFormat(ours.getProperty(key), Locale.ENGLISH).format(arguments);
            assertThat(shown).as(key).doesNotContain("''").doesNotContain("{").doesNotContain("}");
        }
        assertThat(format(ours, "accountDisabledMessage")).isEqualTo("Your account is switched off in the app, so you "
                + "cannot sign in. Please contact the app's support team and ask them to turn it back on; then sign in "
                + "again with the same email and password.");
        assertThat(format(ours, "emailVerifyInstruction1", "bob@example.com")).startsWith(
                "Your email address bob@example.com is not confirmed yet.");
    }

    private static String format(Properties messages, String key, Object... arguments) {
        return new MessageFormat(messages.getProperty(key), Locale.ENGLISH).format(arguments);
    }

    @Test
    void demoRealmUsesTheTheme() throws IOException {
        JsonNode realm = new ObjectMapper().readTree(Path.of("src/test/resources/demo/demo-realm.json").toFile());

        assertThat(realm.get("loginTheme").asText()).isEqualTo("app-users");
    }
}
