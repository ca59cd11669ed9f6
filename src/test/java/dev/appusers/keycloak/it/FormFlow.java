package dev.appusers.keycloak.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser's walk through Keycloak's login pages over plain HTTP: opens a page, fills and submits its form, follows
 * Keycloak's redirects, and carries the cookies itself (Keycloak marks them Secure even on http://localhost).
 */
public final class FormFlow {

    private static final Pattern FORM = Pattern.compile("<form[^>]*action=\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private Http.Response page;
    private String location;
    private URI base;

    /** Opens {@code url}, following redirects inside Keycloak. */
    public FormFlow open(String url) {
        get(resolve(url));
        return this;
    }

    /** Links on Keycloak's pages may be relative to the server. */
    private String resolve(String url) {
        if (base == null) {
            base = URI.create(url);
        }
        return base.resolve(url).toString();
    }

    /** Submits the page's form with {@code fields}; redirects are followed until a page or the client's redirect URI. */
    public FormFlow submit(Map<String, String> fields) {
        if (page == null) {
            throw new AssertionError("the flow already left Keycloak for " + location);
        }
        Matcher form = FORM.matcher(page.body());
        if (!form.find()) {
            throw new AssertionError("no form on the page (" + page.status() + "): " + page.body());
        }
        String action = resolve(form.group(1).replace("&amp;", "&"));
        SentPasswords.recordForm(fields);
        page = Http.send(http, Http.request(action).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", cookieHeader()).POST(BodyPublishers.ofString(Http.form(fields))).build());
        remember(page);
        follow();
        return this;
    }

    /** The current page's HTML (null once the flow left Keycloak). */
    public String html() {
        return page == null ? null : page.body();
    }

    /** Where the flow left Keycloak: the client's redirect URI with the code, or null. */
    public String redirect() {
        return location;
    }

    private void get(String url) {
        page = Http.send(http, Http.request(url).header("Cookie", cookieHeader()).GET().build());
        remember(page);
        follow();
    }

    private void follow() {
        int hops = 0;
        while (page.status() == 302 || page.status() == 303) {
            String next = page.header("Location");
            if (next == null || !next.startsWith("http://localhost:") || hops++ > 10) {
                location = next;
                page = null;
                return;
            }
            page = Http.send(http, Http.request(next).header("Cookie", cookieHeader()).GET().build());
            remember(page);
        }
    }

    private void remember(Http.Response response) {
        response.raw().headers().allValues("Set-Cookie").forEach(c -> {
            String pair = c.split(";", 2)[0];
            int eq = pair.indexOf('=');
            cookies.put(pair.substring(0, eq), pair.substring(eq + 1));
        });
    }

    private String cookieHeader() {
        StringBuilder header = new StringBuilder();
        cookies.forEach((k, v) -> header.append(header.length() == 0 ? "" : "; ").append(k).append('=').append(v));
        return header.length() == 0 ? "x=y" : header.toString();
    }

    /** The code in a redirect URI. */
    public static String code(String redirect) {
        for (String pair : URI.create(redirect).getRawQuery().split("&")) {
            if (pair.startsWith("code=")) {
                return pair.substring(5);
            }
        }
        throw new AssertionError("no code in " + redirect);
    }
}
