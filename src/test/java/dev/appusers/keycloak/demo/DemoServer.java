package dev.appusers.keycloak.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.KeycloakServer;

/**
 * The main job ({@code ./mvnw -Pdemo package}): Keycloak 26.7.5 with the provider on an embedded H2 app database seeded
 * with the Litestar-Users schema and demo users, and a {@code demo} realm with the {@code app-users} component and a
 * {@code demo-app} OIDC client. Runs until Ctrl-C.
 */
public final class DemoServer {

    private static final int PORT = Integer.getInteger("demo.port", 8080);
    private static final int MANAGEMENT_PORT = Integer.getInteger("demo.management-port", 9000);

    public static void main(String[] args) throws Exception {
        Path home = KeycloakServer.home().toAbsolutePath();
        Path appDb = Path.of("target", "demo", "appdb").toAbsolutePath();
        String url = "jdbc:h2:file:" + appDb + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
        seed(url, appDb);
        KeycloakServer.deleteRecursively(home.resolve("data"));
        Files.createDirectories(home.resolve("data/import"));
        Files.writeString(home.resolve("data/import/demo-realm.json"), resource("/demo/demo-realm.json"));

        System.out.println("Starting Keycloak 26.7.5 with keycloak-app-users on http://localhost:" + PORT + " ...");
        KeycloakServer server = KeycloakServer.start(List.of("--import-realm",
                        "--db-kind-appdb=dev-file", "--db-url-full-appdb=" + url,
                        "--db-username-appdb=sa", "--db-password-appdb=sa"),
                "demo", Path.of("target", "keycloak-demo.log").toAbsolutePath(), ProcessBuilder.Redirect.INHERIT,
                PORT, MANAGEMENT_PORT);
        printWelcome();
        System.exit(server.waitFor());
    }

    /** A fresh app database: the fixture's PostgreSQL DDL and rows, which H2 reads in PostgreSQL mode. */
    private static void seed(String url, Path appDb) throws IOException, SQLException {
        Files.createDirectories(appDb.getParent());
        Files.deleteIfExists(Path.of(appDb + ".mv.db"));
        Files.deleteIfExists(Path.of(appDb + ".trace.db"));
        try (Connection c = DriverManager.getConnection(url, "sa", "sa"); Statement s = c.createStatement()) {
            for (String script : List.of("schema-postgresql.sql", "seed-postgresql.sql")) {
                for (String statement : AppDb.resource(script).split(";\\s*(\\n|$)")) {
                    String sql = statement.lines().filter(l -> !l.strip().startsWith("--"))
                            .reduce("", (a, b) -> a + "\n" + b).strip();
                    if (!sql.isEmpty()) {
                        s.execute(sql);
                    }
                }
            }
        }
    }

    private static void printWelcome() throws IOException {
        StringBuilder users = new StringBuilder();
        for (JsonNode user : Http.JSON.readTree(AppDb.resource("users.json"))) {
            users.append(String.format("    %-20s %-16s %s%n", user.get("email").asText(), user.get("password").asText(),
                    user.get("is_active").asBoolean() ? "roles " + user.get("roles") : "(is_active=false: disabled)"));
        }
        System.out.printf("""

                ================================================================================
                 keycloak-app-users demo is ready
                   Sign in as an app user:  http://localhost:%1$d/realms/demo/account
                   Admin console:           http://localhost:%1$d/admin/master/console/#/demo/user-federation
                                            (admin / %2$s)
                   Token endpoint:          http://localhost:%1$d/realms/demo/protocol/openid-connect/token
                                            (client_id demo-app, grant_type password)
                 App users (from the Litestar-Users seed, passwords hashed by the app):
                %3$s
                 Stop with Ctrl-C.
                ================================================================================
                """, PORT, KeycloakServer.ADMIN_PASSWORD, users);
    }

    private static String resource(String name) throws IOException {
        try (var in = DemoServer.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private DemoServer() {
    }
}
