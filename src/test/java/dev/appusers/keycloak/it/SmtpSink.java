package dev.appusers.keycloak.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A mail server that accepts every message and keeps it: a realm with "Verify email" on needs an SMTP server before
 * Keycloak shows its verify-email page at all. Plain SMTP, no TLS, no authentication.
 */
public final class SmtpSink implements AutoCloseable {

    private final ServerSocket socket;
    private final List<String> messages = new CopyOnWriteArrayList<>();

    private SmtpSink(ServerSocket socket) {
        this.socket = socket;
    }

    public static SmtpSink start() {
        try {
            SmtpSink sink = new SmtpSink(new ServerSocket(0, 10, InetAddress.getLoopbackAddress()));
            Thread acceptor = new Thread(sink::accept, "smtp-sink");
            acceptor.setDaemon(true);
            acceptor.start();
            return sink;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** The messages received so far, headers and body as sent. */
    public List<String> messages() {
        return List.copyOf(messages);
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Thread conversation = new Thread(() -> converse(client), "smtp-sink-client");
                conversation.setDaemon(true);
                conversation.start();
            } catch (IOException e) {
                // closed: the loop ends
            }
        }
    }

    private void converse(Socket client) {
        try (client) {
            talk(client);
        } catch (IOException e) {
            // the client hung up
        }
    }

    private void talk(Socket client) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = client.getOutputStream();
        reply(out, "220 localhost SMTP sink");
        String line;
        while ((line = in.readLine()) != null) {
            String command = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line;
            switch (command) {
                case "DATA" -> {
                    reply(out, "354 end with <CRLF>.<CRLF>");
                    StringBuilder message = new StringBuilder();
                    while ((line = in.readLine()) != null && !line.equals(".")) {
                        message.append(line.startsWith("..") ? line.substring(1) : line).append('\n');
                    }
                    messages.add(message.toString());
                    reply(out, "250 queued");
                }
                case "QUIT" -> {
                    reply(out, "221 bye");
                    return;
                }
                case "EHLO", "HELO", "MAIL", "RCPT", "RSET", "NOOP" -> reply(out, "250 OK");
                default -> reply(out, "502 not implemented");
            }
        }
    }

    private static void reply(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
