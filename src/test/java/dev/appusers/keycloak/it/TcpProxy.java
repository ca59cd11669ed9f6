package dev.appusers.keycloak.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder between Keycloak and the app database, so a test can take the database away (every connection cut,
 * new ones closed at once, or answered with the database's own refusal: {@link #refuse}) and bring it back, without
 * stopping the database server other tests use, and can see each statement PostgreSQL is asked to run
 * ({@link #statements()}).
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final PgStatementLog statements = new PgStatementLog();
    private final boolean readsPostgres;
    private volatile boolean cut;
    private volatile boolean blackholed;
    private volatile WireRefusal refusal;

    /** A proxy to a PostgreSQL server, whose statements it reads off the wire. */
    public TcpProxy(String targetHost, int targetPort) throws IOException {
        this(targetHost, targetPort, true);
    }

    /** @param readsPostgres whether the client's bytes are PostgreSQL's protocol, read into {@link #statements()} */
    public TcpProxy(String targetHost, int targetPort, boolean readsPostgres) throws IOException {
        this.readsPostgres = readsPostgres;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        Thread acceptor = new Thread(this::accept, "tcp-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The database is gone: open connections break, new ones are closed as soon as they arrive. */
    public void cut() {
        cut = true;
        open.forEach(TcpProxy::closeQuietly);
        open.clear();
    }

    /**
     * The database server refuses: open connections are cut (as a restarting or overloaded server's would be, or an
     * administrator's kill), and each new one gets {@code refusal}'s answer, then is closed.
     */
    public void refuse(WireRefusal refusal) {
        this.refusal = refusal;
        open.forEach(TcpProxy::closeQuietly);
        open.clear();
    }

    /**
     * The network drops every packet without resetting anything: open connections stay open and nothing they send
     * arrives, new ones are accepted and never answered (as behind a firewall that drops, or a partitioned network).
     */
    public void blackhole() {
        blackholed = true;
    }

    public void restore() {
        refusal = null;
        cut = false;
        if (blackholed) {
            blackholed = false;
            // what crossed neither way left each connection mid-message: as after a real partition, they are dead
            open.forEach(TcpProxy::closeQuietly);
            open.clear();
        }
    }

    /** What the clients asked the database to execute, read off the wire. */
    public PgStatementLog statements() {
        return statements;
    }

    public int openConnections() {
        return open.size() / 2;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                WireRefusal answer = refusal;
                if (answer != null) {
                    refuseLater(client, answer);
                    continue;
                }
                if (cut) {
                    closeQuietly(client);
                    continue;
                }
                if (blackholed) {
                    open.add(client);
                    pump(client, null, OutputStream.nullOutputStream());
                    continue;
                }
                Socket upstream = new Socket(targetHost, targetPort);
                // as the JDBC driver does on its own socket: without it Nagle's algorithm and delayed ACKs hold small
                // messages back for up to 40 ms on each hop
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                open.add(client);
                open.add(upstream);
                pump(client, upstream, readsPostgres ? new PgWireReader(statements) : OutputStream.nullOutputStream());
                pump(upstream, client, OutputStream.nullOutputStream());
            } catch (IOException e) {
                // server closed, or the target refused: the client sees its connection fail
            }
        }
    }

    private static void refuseLater(Socket client, WireRefusal answer) {
        Thread thread = new Thread(() -> {
            try (client) {
                client.setSoTimeout(10_000);
                answer.answer(client.getInputStream(), client.getOutputStream());
            } catch (IOException e) {
                // the client gave up first
            }
        }, "tcp-proxy-refusal");
        thread.setDaemon(true);
        thread.start();
    }

    private void pump(Socket from, Socket to, OutputStream reader) {
        Thread thread = new Thread(() -> {
            try (InputStream in = from.getInputStream();
                    OutputStream out = to == null ? OutputStream.nullOutputStream() : to.getOutputStream()) {
                byte[] buffer = new byte[16384];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    if (to == null || blackholed) {
                        continue; // dropped on the way
                    }
                    out.write(buffer, 0, n);
                    reader.write(buffer, 0, n);
                }
            } catch (IOException e) {
                // connection cut
            } finally {
                closeQuietly(from);
                open.remove(from);
                if (to != null) {
                    closeQuietly(to);
                    open.remove(to);
                }
            }
        }, "tcp-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        cut();
        server.close();
    }
}
