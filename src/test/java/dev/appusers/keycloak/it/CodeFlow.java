package dev.appusers.keycloak.it;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One authorization code + PKCE (S256) round of the public client {@code demo-app}, for a browser: the URL to open,
 * and the exchange of the code the browser brings back to {@code redirectUri}.
 */
public final class CodeFlow {

    private final String realmUrl;
    private final String redirectUri;
    private final String verifier = Pkce.random(48);
    public final String state = Pkce.random(12);

    public CodeFlow(KeycloakServer server, String realm, String redirectUri) {
        this.realmUrl = server.baseUrl() + "/realms/" + realm;
        this.redirectUri = redirectUri;
    }

    /** The authorization endpoint with a fresh S256 challenge: Keycloak answers with its login page. */
    public String authorizationUrl() {
        String challenge = Pkce.challenge(verifier);
        Map<String, String> query = new LinkedHashMap<>();
        query.put("client_id", OidcClient.CLIENT_ID);
        query.put("redirect_uri", redirectUri);
        query.put("response_type", "code");
        query.put("scope", "openid");
        query.put("state", state);
        query.put("code_challenge", challenge);
        query.put("code_challenge_method", "S256");
        return realmUrl + "/protocol/openid-connect/auth?" + Http.form(query);
    }

    /** Exchanges the code in {@code callbackUrl} (the URL the browser was sent back to) for tokens. */
    public Http.Response exchange(String callbackUrl) {
        Map<String, String> params = query(URI.create(callbackUrl).getRawQuery());
        if (!state.equals(params.get("state")) || params.get("code") == null) {
            throw new AssertionError("no code for this flow's state in " + callbackUrl);
        }
        return Http.send(HttpClient.newHttpClient(), Http.request(realmUrl + "/protocol/openid-connect/token")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(BodyPublishers.ofString(Http.form(Map.of("grant_type", "authorization_code",
                        "client_id", OidcClient.CLIENT_ID, "code", params.get("code"), "redirect_uri", redirectUri,
                        "code_verifier", verifier)))).build());
    }

    public static Map<String, String> query(String rawQuery) {
        Map<String, String> values = new LinkedHashMap<>();
        if (rawQuery == null) {
            return values;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                values.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }
}
