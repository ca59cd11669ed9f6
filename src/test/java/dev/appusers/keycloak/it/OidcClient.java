package dev.appusers.keycloak.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/** The public OIDC client {@code demo-app} of a test realm, talking to Keycloak's real endpoints. */
public final class OidcClient {

    /** A refused password grant: Keycloak 26.7 answers 400 {@code invalid_grant}, 26.4 and 26.5 answer 401. */
    public static final java.util.List<Integer> REFUSED = java.util.List.of(400, 401);

    public static final String CLIENT_ID = "demo-app";
    public static final String REDIRECT_URI = "http://localhost/callback";
    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"");

    /** One client for all token requests: connections are reused, as an application would. */
    private static final HttpClient TOKEN_CLIENT = HttpClient.newHttpClient();

    private final String realmUrl;

    public OidcClient(KeycloakServer server, String realm) {
        this.realmUrl = server.baseUrl() + "/realms/" + realm;
    }

    /** Resource owner password grant: 200 with tokens, or 401 with {@code invalid_grant} and a description. */
    public Http.Response passwordGrant(String username, String password) {
        SentPasswords.record(password);
        return token(Map.of("grant_type", "password", "client_id", CLIENT_ID, "username", username,
                "password", password, "scope", "openid"));
    }

    /**
     * Password grant over a client of the caller's: a flood of hundreds at once needs HTTP/1.1 connections (over
     * one HTTP/2 connection Keycloak allows 100 concurrent streams, and the JDK client refuses the rest).
     */
    public Http.Response passwordGrant(HttpClient client, String username, String password) {
        SentPasswords.record(password);
        return Http.send(client, Http.request(realmUrl + "/protocol/openid-connect/token")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(BodyPublishers.ofString(Http.form(Map.of("grant_type", "password", "client_id", CLIENT_ID,
                        "username", username, "password", password, "scope", "openid")))).build());
    }

    /** Password grant with extra scopes (e.g. {@code offline_access}). */
    public Http.Response passwordGrant(String username, String password, String scope) {
        SentPasswords.record(password);
        return token(Map.of("grant_type", "password", "client_id", CLIENT_ID, "username", username,
                "password", password, "scope", "openid " + scope));
    }

    /** Refresh-token grant. */
    public Http.Response refresh(String refreshToken) {
        return token(Map.of("grant_type", "refresh_token", "client_id", CLIENT_ID, "refresh_token", refreshToken));
    }

    /** RP-initiated sign-out with the refresh token (a public client's back-channel logout). */
    public Http.Response logout(String refreshToken) {
        return Http.send(TOKEN_CLIENT, Http.request(realmUrl + "/protocol/openid-connect/logout")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(BodyPublishers.ofString(Http.form(Map.of("client_id", CLIENT_ID, "refresh_token",
                        refreshToken)))).build());
    }

    /** The access token of a successful password grant. */
    public String accessToken(String username, String password) {
        Http.Response response = AdminClient.expect(passwordGrant(username, password), 200, "password grant of " + username);
        return response.json().get("access_token").asText();
    }

    /** The access token's claims after a successful password grant. */
    public JsonNode accessTokenClaims(String username, String password) {
        return claims(accessToken(username, password));
    }

    /** The result of the browser flow: the login page's HTML when no code came back, else the token response. */
    public record CodeFlowResult(String loginPageHtml, Http.Response tokenResponse) {
    }

    /** Authorization code + PKCE: opens the login page, submits the form, and exchanges the code for tokens. */
    public CodeFlowResult codeFlow(String username, String password) {
        // Keycloak marks its cookies Secure even on http://localhost, which java.net.CookieManager then never sends
        // back; a browser treats localhost as secure, so the test carries the cookies itself.
        HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        String verifier = Pkce.random(48);
        String challenge = Pkce.challenge(verifier);
        String authUrl = realmUrl + "/protocol/openid-connect/auth?" + Http.form(new LinkedHashMap<>(Map.of(
                "client_id", CLIENT_ID, "redirect_uri", REDIRECT_URI, "response_type", "code", "scope", "openid",
                "state", Pkce.random(12), "code_challenge", challenge, "code_challenge_method", "S256")));
        Http.Response page = Http.send(browser, Http.request(authUrl).GET().build());
        Matcher form = FORM_ACTION.matcher(page.body());
        if (page.status() != 200 || !form.find()) {
            throw new AssertionError("no login form (" + page.status() + "): " + page.body());
        }
        String action = form.group(1).replace("&amp;", "&");
        SentPasswords.record(password);
        Http.Response submitted = Http.send(browser, Http.request(action)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", cookies(page))
                .POST(BodyPublishers.ofString(Http.form(Map.of("username", username, "password", password,
                        "credentialId", "")))).build());
        String location = submitted.header("Location");
        if (submitted.status() != 302 || location == null || !location.startsWith(REDIRECT_URI)) {
            return new CodeFlowResult(submitted.body(), null);
        }
        String code = CodeFlow.query(URI.create(location).getRawQuery()).get("code");
        Http.Response tokens = token(Map.of("grant_type", "authorization_code", "client_id", CLIENT_ID,
                "code", code, "redirect_uri", REDIRECT_URI, "code_verifier", verifier));
        return new CodeFlowResult(null, tokens);
    }

    private static String cookies(Http.Response response) {
        return response.raw().headers().allValues("Set-Cookie").stream().map(c -> c.split(";", 2)[0])
                .collect(java.util.stream.Collectors.joining("; "));
    }

    /** PKCE and state parameters for a browser flow whose code the test does not exchange (demo-app requires PKCE). */
    public static String pkceParameters() {
        return "&state=" + Pkce.random(12) + "&code_challenge=" + Pkce.challenge(Pkce.random(48))
                + "&code_challenge_method=S256";
    }

    private Http.Response token(Map<String, String> form) {
        return Http.send(TOKEN_CLIENT, Http.request(realmUrl + "/protocol/openid-connect/token")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(BodyPublishers.ofString(Http.form(form))).build());
    }

    public static JsonNode claims(String jwt) {
        String payload = jwt.split("\\.")[1];
        return new Http.Response(200, new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8), null)
                .json();
    }
}
