package dev.appusers.keycloak.bench;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.appusers.keycloak.bench.SoakTimeline.Kind;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.OidcClient;

/**
 * The soak's mixed load on 127.0.0.1: {@code threads} workers send requests at a paced {@code rate} per second in all
 * (a worker that falls behind sends at once, so at most {@code threads} are in flight). Every fourth request is an
 * admin user search, every fourth a refresh-token grant of a user signed in earlier, the rest password grants across
 * the federated users in turn. Each request times out after {@value #TIMEOUT_SECONDS} s; the load stops at its
 * deadline, at {@link #stop()}, or after {@code maxRequests}.
 */
final class SoakLoad {

    private static final int TIMEOUT_SECONDS = 30;
    /** The local admin's token is renewed after this long (Keycloak's access tokens live 300 s). */
    private static final long ADMIN_TOKEN_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final String baseUrl;
    private final String realm;
    private final List<String> users;
    private final String password;
    private final String adminUser;
    private final String adminPassword;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<Integer, String> refreshTokens = new ConcurrentHashMap<>();
    private volatile boolean stopped;
    private String adminToken;
    private long adminTokenTaken;

    SoakLoad(String baseUrl, String realm, List<String> users, String password, String adminUser,
             String adminPassword) {
        this.baseUrl = baseUrl;
        this.realm = realm;
        this.users = users;
        this.password = password;
        this.adminUser = adminUser;
        this.adminPassword = adminPassword;
    }

    /** Runs the load on its own threads until {@code deadline} (nanoTime) or {@link #stop()}; returns at once. */
    Future<?> start(SoakTimeline timeline, int threads, double rate, long deadline, int maxRequests) {
        stopped = false;
        AtomicInteger sequence = new AtomicInteger();
        long interval = (long) (1e9 / rate);
        AtomicLong next = new AtomicLong(System.nanoTime());
        ExecutorService workers = Executors.newFixedThreadPool(threads + 1);
        List<Future<?>> running = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            running.add(workers.submit(() -> {
                while (!stopped && System.nanoTime() < deadline) {
                    int n = sequence.getAndIncrement();
                    if (n >= maxRequests) {
                        return null;
                    }
                    // the next free slot, never one in the past: a load that fell behind does not catch up in a burst
                    long due = next.getAndUpdate(slot -> Math.max(slot, System.nanoTime()) + interval);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(Math.min(wait, Math.max(0, deadline - System.nanoTime())));
                    }
                    if (!stopped && System.nanoTime() < deadline) {
                        send(timeline, n);
                    }
                }
                return null;
            }));
        }
        Future<?> all = workers.submit(() -> {
            for (Future<?> worker : running) {
                worker.get();
            }
            return null;
        });
        workers.shutdown();
        return all;
    }

    void stop() {
        stopped = true;
    }

    /** After the realm's sessions were logged out: their refresh tokens and the admin's access token are void. */
    synchronized void forgetSessions() {
        refreshTokens.clear();
        adminToken = null;
    }

    private void send(SoakTimeline timeline, int n) {
        int user = (n / 2) % users.size();
        switch (n % 4) {
            case 2 -> adminSearch(timeline, n);
            case 3 -> {
                List<Integer> signedIn = new ArrayList<>(refreshTokens.keySet());
                if (signedIn.isEmpty()) {
                    passwordGrant(timeline, user);
                } else {
                    refresh(timeline, signedIn.get((n / 4) % signedIn.size()));
                }
            }
            default -> passwordGrant(timeline, user);
        }
    }

    private void passwordGrant(SoakTimeline timeline, int user) {
        Http.Response response = token(timeline, Kind.PASSWORD_GRANT, Map.of("grant_type", "password",
                "client_id", OidcClient.CLIENT_ID, "username", users.get(user), "password", password,
                "scope", "openid"));
        if (response != null && response.status() == 200) {
            refreshTokens.put(user, response.json().get("refresh_token").asText());
        }
    }

    private void refresh(SoakTimeline timeline, int user) {
        Http.Response response = token(timeline, Kind.REFRESH, Map.of("grant_type", "refresh_token",
                "client_id", OidcClient.CLIENT_ID, "refresh_token", refreshTokens.get(user)));
        if (response != null && response.status() == 200) {
            refreshTokens.put(user, response.json().get("refresh_token").asText());
        }
    }

    private void adminSearch(SoakTimeline timeline, int n) {
        String token = adminToken(timeline);
        if (token == null) {
            return;
        }
        String search = users.get((n / 4) % users.size());
        search = search.substring(0, search.indexOf('@'));
        Http.Response response = send(timeline, Kind.ADMIN_SEARCH, Http.request(baseUrl + "/admin/realms/" + realm + "/users?briefRepresentation"
                + "=true&first=0&max=11&search=" + Http.encode(search)).header("Authorization", "Bearer " + token)
                .GET());
        if (response != null && response.status() == 401) {
            forgetAdminToken(token);
        }
    }

    private synchronized void forgetAdminToken(String token) {
        if (token.equals(adminToken)) {
            adminToken = null;
        }
    }

    /** The local admin's access token (through the realm's own {@code admin-cli}), renewed every minute. */
    private synchronized String adminToken(SoakTimeline timeline) {
        if (adminToken == null || System.nanoTime() - adminTokenTaken > ADMIN_TOKEN_NANOS) {
            long taken = System.nanoTime();
            Http.Response response = token(timeline, Kind.ADMIN_TOKEN, Map.of("grant_type", "password",
                    "client_id", "admin-cli", "username", adminUser, "password", adminPassword));
            if (response != null && response.status() == 200) {
                adminToken = response.json().get("access_token").asText();
                adminTokenTaken = taken;
            }
        }
        return adminToken;
    }

    private Http.Response token(SoakTimeline timeline, Kind kind, Map<String, String> form) {
        return send(timeline, kind, Http.request(baseUrl + "/realms/" + realm + "/protocol/openid-connect/token")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(BodyPublishers.ofString(Http.form(form))));
    }

    /** Sends one request and records it; null when Keycloak did not answer. */
    private Http.Response send(SoakTimeline timeline, Kind kind, HttpRequest.Builder request) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(TIMEOUT_SECONDS)).build(),
                    HttpResponse.BodyHandlers.ofString());
            timeline.record(kind, start, System.nanoTime(), response.statusCode());
            return new Http.Response(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            timeline.record(kind, start, System.nanoTime(), 0);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
