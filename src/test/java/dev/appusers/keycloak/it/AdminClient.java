package dev.appusers.keycloak.it;

import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** Keycloak's admin REST API, as the admin console and kcadm.sh use it. */
public final class AdminClient {

    private final String baseUrl;
    private final HttpClient http = HttpClient.newHttpClient();
    private String token;
    private long tokenExpires;

    public AdminClient(KeycloakServer server) {
        this.baseUrl = server.baseUrl();
    }

    private String token() {
        if (token == null || System.currentTimeMillis() > tokenExpires) {
            Http.Response response = Http.send(http, Http.request(baseUrl + "/realms/master/protocol/openid-connect/token")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(BodyPublishers.ofString(Http.form(Map.of("grant_type", "password", "client_id", "admin-cli",
                            "username", KeycloakServer.ADMIN_USER, "password", KeycloakServer.ADMIN_PASSWORD)))).build());
            if (response.status() != 200) {
                throw new IllegalStateException("admin login failed: " + response.body());
            }
            token = response.json().get("access_token").asText();
            tokenExpires = System.currentTimeMillis() + 30_000;
        }
        return token;
    }

    /** Admin API outside a realm, e.g. {@code /serverinfo}. */
    public JsonNode serverInfo() {
        return expect(Http.send(http, Http.request(baseUrl + "/admin/serverinfo")
                .header("Authorization", "Bearer " + token()).GET().build()), 200, "server info").json();
    }

    /**
     * The JSON Keycloak answers a GET of {@code path} with; any answer but 200 fails the test with its status and body
     * (a refused or failed request is never an empty list). {@link #get} gives the raw answer, to test refusals.
     */
    public JsonNode getJson(String path) {
        return expect(get(path), 200, "GET " + path).json();
    }

    /** Deletes {@code path} if it is there (a realm left by an earlier run, say): 204, or 404 when it was not. */
    public void deleteIfPresent(String path) {
        Http.Response response = delete(path);
        if (response.status() != 204 && response.status() != 404) {
            throw new AssertionError("DELETE " + path + ": expected HTTP 204 or 404, got " + response.status() + ": "
                    + response.body());
        }
    }

    /** Deletes {@code path}; any answer but 204 fails the test. */
    public void deleteOk(String path) {
        expect(delete(path), 204, "DELETE " + path);
    }

    /** Raw answer to a GET, for tests of refusals; {@link #getJson} for what must succeed. */
    public Http.Response get(String path) {
        return Http.send(http, Http.request(baseUrl + "/admin/realms" + path)
                .header("Authorization", "Bearer " + token()).GET().build());
    }

    public Http.Response post(String path, Object body) {
        return Http.send(http, Http.request(baseUrl + "/admin/realms" + path)
                .header("Authorization", "Bearer " + token()).header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString(body(body))).build());
    }

    public Http.Response put(String path, Object body) {
        return Http.send(http, Http.request(baseUrl + "/admin/realms" + path)
                .header("Authorization", "Bearer " + token()).header("Content-Type", "application/json")
                .PUT(BodyPublishers.ofString(body(body))).build());
    }

    /** The JSON of a request body, whose passwords (a user's credentials, a reset) are recorded as sent. */
    private static String body(Object body) {
        String json = body instanceof String s ? s : Http.json(body);
        try {
            SentPasswords.recordJson(Http.JSON.readTree(json));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not JSON: " + json, e);
        }
        return json;
    }

    public Http.Response delete(String path) {
        return Http.send(http, Http.request(baseUrl + "/admin/realms" + path)
                .header("Authorization", "Bearer " + token()).DELETE().build());
    }

    /** Creates a realm with a public OIDC client {@code demo-app} (direct grant, code flow with PKCE). */
    public void createRealm(String realm) {
        Map<String, Object> client = new LinkedHashMap<>();
        client.put("clientId", "demo-app");
        client.put("publicClient", true);
        client.put("directAccessGrantsEnabled", true);
        client.put("standardFlowEnabled", true);
        client.put("redirectUris", List.of("http://localhost/callback"));
        client.put("attributes", Map.of("pkce.code.challenge.method", "S256"));
        Map<String, Object> representation = new LinkedHashMap<>();
        representation.put("realm", realm);
        representation.put("enabled", true);
        representation.put("clients", List.of(client));
        expect(post("", representation), 201, "create realm " + realm);
    }

    /** Posts an {@code app-users} component; returns the response (201 with Location, or 400 with the reason). */
    public Http.Response createFederation(String realm, String name, Map<String, String> config) {
        Map<String, Object> component = new LinkedHashMap<>();
        component.put("name", name);
        component.put("providerId", "app-users");
        component.put("providerType", "org.keycloak.storage.UserStorageProvider");
        Map<String, List<String>> values = new LinkedHashMap<>();
        config.forEach((k, v) -> values.put(k, List.of(v)));
        component.put("config", values);
        return post("/" + realm + "/components", component);
    }

    /** Creates the component and returns its id; fails the test with Keycloak's message otherwise. */
    public String addFederation(String realm, Map<String, String> config) {
        Http.Response response = createFederation(realm, "app-users", config);
        expect(response, 201, "create app-users component");
        String location = response.header("Location");
        return location.substring(location.lastIndexOf('/') + 1);
    }

    public JsonNode component(String realm, String id) {
        return getJson("/" + realm + "/components/" + id);
    }

    /**
     * Creates a top-level flow {@code alias} in which every one of {@code authenticators} (provider ids) is REQUIRED,
     * in that order, as an admin builds one under Authentication.
     */
    public void createRequiredFlow(String realm, String alias, String... authenticators) {
        expect(post("/" + realm + "/authentication/flows", Map.of("alias", alias, "providerId", "basic-flow",
                "topLevel", true, "builtIn", false, "description", "test flow")), 201, "create flow " + alias);
        String flow = "/" + realm + "/authentication/flows/" + Http.encode(alias).replace("+", "%20") + "/executions";
        for (String authenticator : authenticators) {
            expect(post(flow + "/execution", Map.of("provider", authenticator)), 201, "add " + authenticator);
        }
        JsonNode executions = expect(get(flow), 200, "executions of " + alias).json();
        if (executions.size() != authenticators.length) {
            throw new AssertionError(alias + " has " + executions.size() + " executions: " + executions);
        }
        for (JsonNode execution : executions) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) execution).put("requirement", "REQUIRED");
            Http.Response updated = put(flow, execution);
            if (updated.status() / 100 != 2) {
                throw new AssertionError("REQUIRED " + execution.path("providerId") + ": " + updated.status() + " "
                        + updated.body());
            }
        }
    }

    public static Http.Response expect(Http.Response response, int status, String what) {
        if (response.status() != status) {
            throw new AssertionError(what + ": expected HTTP " + status + ", got " + response.status() + ": "
                    + response.body());
        }
        return response;
    }
}
