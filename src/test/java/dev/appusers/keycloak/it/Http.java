package dev.appusers.keycloak.it;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Small HTTP helpers for the tests: JSON in and out, form posts. */
public final class Http {

    public static final ObjectMapper JSON = new ObjectMapper();

    /** A response: status, body, and the body as JSON when it is JSON. */
    public record Response(int status, String body, HttpResponse<String> raw) {
        public JsonNode json() {
            if (body == null || body.isBlank()) {
                throw new IllegalStateException("no JSON: an empty body (" + status + ")");
            }
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON (" + status + "): " + body, e);
            }
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    private Http() {
    }

    public static Response send(HttpClient client, HttpRequest request) {
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The text values of a JSON array ({@code ["a", "b"]}). */
    public static java.util.List<String> texts(JsonNode array) {
        java.util.List<String> texts = new java.util.ArrayList<>();
        requireArray(array);
        array.forEach(value -> texts.add(value.asText()));
        return texts;
    }

    /** One text field of every object in a JSON array (the usernames of a user list, say). */
    public static java.util.List<String> texts(JsonNode array, String field) {
        java.util.List<String> texts = new java.util.ArrayList<>();
        requireArray(array);
        array.forEach(value -> texts.add(value.path(field).asText()));
        return texts;
    }

    /**
     * An array, or a missing node (an absent claim holds no values); anything else (an error object, say) fails the
     * test rather than pass as a list of its values.
     */
    private static void requireArray(JsonNode node) {
        if (!node.isArray() && !node.isMissingNode()) {
            throw new AssertionError("not a JSON array: " + node);
        }
    }

    public static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    public static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static HttpRequest.Builder request(String url) {
        return HttpRequest.newBuilder(URI.create(url));
    }
}
