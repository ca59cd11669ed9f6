package dev.appusers.keycloak.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Two Keycloak nodes on this machine that form one cluster: a shared Keycloak database on PostgreSQL, Infinispan
 * ({@code --cache=ispn}) with Keycloak's default {@code jdbc-ping} stack, which finds the other node through a table
 * in that shared database, and JGroups bound to 127.0.0.1 on a port of each node's own. Both federate the same app
 * database through their {@code appdb} datasource.
 *
 * <p>Each node runs from its own copy of the distribution under {@code target/keycloak-cluster/}: a node re-augments
 * its home when build options change, and keeps its transaction log under {@code data/}, which two nodes must not
 * share. Node A starts (and creates Keycloak's schema) before node B.
 *
 * <p>Transactions: PostgreSQL here has {@code max_prepared_transactions = 0}, so Keycloak's own database cannot be an
 * XA resource; Keycloak's database is the one-phase resource ({@code --transaction-xa-enabled=false}) and the app
 * database must be XA: MariaDB.
 */
public final class KeycloakCluster implements AutoCloseable {

    private static final Pattern TWO_MEMBERS = Pattern.compile("ISPN000094: Received new cluster view[^\\n]*\\(2\\)");
    private static final long FORM_TIMEOUT_MILLIS = 90_000;

    /** Keycloak's own database, shared by both nodes, on PostgreSQL. */
    public static final String KEYCLOAK_DATABASE = AppDb.database("kc_cluster");

    /** The datasource name of the cluster's PostgreSQL app database. */
    public static final String POSTGRES_DATASOURCE = "appdb2";

    public final KeycloakServer nodeA;
    public final KeycloakServer nodeB;
    private final TcpProxy postgresProxy;

    private static KeycloakCluster shared;
    private static String sharedAppDatabase;

    private KeycloakCluster(KeycloakServer nodeA, KeycloakServer nodeB, TcpProxy postgresProxy) {
        this.nodeA = nodeA;
        this.nodeB = nodeB;
        this.postgresProxy = postgresProxy;
    }

    /**
     * The cluster of this test JVM, started on first use (the single shared server is stopped first) with
     * {@code appDatabase} on MariaDB as {@code appdb}, created then with the fixture's tables and seed users.
     */
    public static synchronized KeycloakCluster shared(String appDatabase) {
        if (shared != null && !appDatabase.equals(sharedAppDatabase)) {
            closeShared();
        }
        if (shared == null) {
            KeycloakServer.stopShared();
            AppDb.MARIADB.create(appDatabase);
            shared = start(KEYCLOAK_DATABASE, appDatabase);
            sharedAppDatabase = appDatabase;
            KeycloakCluster started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        }
        return shared;
    }

    public static synchronized void closeShared() {
        if (shared != null) {
            shared.close();
            shared = null;
        }
    }

    /** The proxy between both nodes and PostgreSQL ({@code appdb2}). */
    public TcpProxy postgresProxy() {
        return postgresProxy;
    }

    /**
     * Starts two nodes on a fresh Keycloak database {@code keycloakDatabase} (dropped and created on PostgreSQL) whose
     * {@code appdb} is {@code appDatabase} on MariaDB, and waits until each node's log shows a view of two members.
     */
    public static KeycloakCluster start(String keycloakDatabase, String appDatabase) {
        recreatePostgresDatabase(keycloakDatabase);
        Path root = Path.of("target", "keycloak-cluster").toAbsolutePath();
        try {
            KeycloakServer.deleteRecursively(root);
            java.net.URI pg = AppDb.POSTGRES.server();
            TcpProxy proxy = new TcpProxy(pg.getHost(), pg.getPort());
            String pgUrl = AppDb.POSTGRES.urlThrough(proxy, AppDb.IT_DATABASE);
            Path homeA = copyDistribution(KeycloakServer.home(), root.resolve("node-a"));
            KeycloakServer nodeA = startNode(homeA, "a", keycloakDatabase, appDatabase, pgUrl);
            KeycloakServer nodeB;
            try {
                // node A's home is augmented for exactly these build options: node B starts without re-augmenting
                nodeB = startNode(copyDistribution(homeA, root.resolve("node-b")), "b", keycloakDatabase, appDatabase,
                        pgUrl);
            } catch (RuntimeException e) {
                nodeA.stop();
                throw e;
            }
            KeycloakCluster cluster = new KeycloakCluster(nodeA, nodeB, proxy);
            cluster.awaitTwoMembers();
            return cluster;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeycloakServer startNode(Path home, String name, String keycloakDatabase, String appDatabase,
            String postgresAppUrl) throws IOException {
        AppDb app = AppDb.MARIADB;
        List<String> options = new ArrayList<>(List.of(
                "--db=postgres", "--db-url=" + AppDb.POSTGRES.url(keycloakDatabase),
                "--db-username=" + AppDb.POSTGRES.user, "--db-password=" + AppDb.POSTGRES.password,
                "--transaction-xa-enabled=false",
                "--cache=ispn", "--cache-stack=jdbc-ping",
                "--cache-embedded-network-bind-address=127.0.0.1",
                "--cache-embedded-network-bind-port=" + KeycloakServer.freePort(),
                "--db-kind-appdb=" + app.kind, "--db-url-full-appdb=" + app.url(appDatabase),
                "--db-username-appdb=" + app.user, "--db-password-appdb=" + app.password,
                "--db-kind-" + POSTGRES_DATASOURCE + "=postgres", "--db-url-full-" + POSTGRES_DATASOURCE + "=" + postgresAppUrl,
                "--db-username-" + POSTGRES_DATASOURCE + "=" + AppDb.POSTGRES.user,
                "--db-password-" + POSTGRES_DATASOURCE + "=" + AppDb.POSTGRES.password));
        Path log = Path.of("target", "keycloak-cluster-" + name + ".log").toAbsolutePath();
        return KeycloakServer.start(home, options, "cluster-" + name, log,
                ProcessBuilder.Redirect.to(log.toFile()), KeycloakServer.freePort(), KeycloakServer.freePort());
    }

    private void awaitTwoMembers() {
        long deadline = System.currentTimeMillis() + FORM_TIMEOUT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            if (TWO_MEMBERS.matcher(nodeA.log()).find() && TWO_MEMBERS.matcher(nodeB.log()).find()) {
                return;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
        throw new IllegalStateException("the two nodes did not form a cluster of two within "
                + FORM_TIMEOUT_MILLIS / 1000 + " s; see target/keycloak-cluster-a.log and -b.log");
    }

    /**
     * The distribution without its {@code data/} (Keycloak's H2 files, transaction log, temp files): a home of its
     * own for a second server on this machine (the server benchmark's metrics-off twin too).
     */
    public static Path copyDistribution(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path relative = from.relativize(path);
                if (relative.startsWith("data")) {
                    continue;
                }
                Path target = to.resolve(relative.toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return to;
    }

    private static void recreatePostgresDatabase(String database) {
        try (Connection c = AppDb.POSTGRES.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create " + database + " on PostgreSQL", e);
        }
    }

    @Override
    public void close() {
        nodeB.stop();
        nodeA.stop();
        try {
            postgresProxy.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
