package dev.appusers.keycloak.it;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpServer;

/**
 * The demo app's redirect URI, served on a free port of this machine, so the browser lands on a real page after the
 * login (the test then reads the code from the browser's URL).
 */
public final class CallbackServer implements AutoCloseable {

    private static final byte[] PAGE = ("<!DOCTYPE html><html><head><title>Demo app</title></head>"
            + "<body><h1>Back in the demo app</h1></body></html>").getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;

    private CallbackServer(HttpServer server) {
        this.server = server;
    }

    public static CallbackServer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/callback", exchange -> {
                exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, PAGE.length);
                try (OutputStream body = exchange.getResponseBody()) {
                    body.write(PAGE);
                }
            });
            server.start();
            return new CallbackServer(server);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The redirect URI as the client registers it; {@code localhost} is what the browser and Keycloak compare. */
    public String redirectUri() {
        return "http://localhost:" + server.getAddress().getPort() + "/callback";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
