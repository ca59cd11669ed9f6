package dev.appusers.keycloak.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.XADataSource;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.runtime.AgroalDataSourceUtil;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * One of Keycloak's named datasources ({@code db-kind-<name>}, {@code db-url-full-<name>}, ...), found by name in
 * Keycloak's Quarkus runtime. The provider takes connections from its pool directly: no persistence unit, no file
 * beside the jar, and any number of app databases, one datasource each.
 */
public final class AppDataSource {

    /** The name Keycloak gives its own database's datasource. */
    public static final String KEYCLOAK_DEFAULT = "<default>";

    private static final Logger LOG = Logger.getLogger(AppDataSource.class);
    /** Threads that wait for new connections on behalf of reads (daemon, idle ones end after a minute). */
    private static final ExecutorService CONNECTING = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
            new SynchronousQueue<>(), task -> {
                Thread thread = new Thread(task, "app-users-connect");
                thread.setDaemon(true);
                return thread;
            });
    private static final Pattern KC_DB_KIND = Pattern.compile("kc\\.db-kind-(.+)");
    private static final Pattern QUARKUS_DB_KIND = Pattern.compile("quarkus\\.datasource\\.\"?([^\".]+)\"?\\.db-kind");

    private final String name;
    private final AgroalDataSource pool;

    private AppDataSource(String name, AgroalDataSource pool) {
        this.name = name;
        this.pool = pool;
    }

    /**
     * @return the named datasource, or empty when Keycloak has none of that name (or it is inactive)
     */
    public static Optional<AppDataSource> named(String name) {
        try {
            return AgroalDataSourceUtil.dataSourceIfActive(name).map(pool -> new AppDataSource(name, pool));
        } catch (RuntimeException | LinkageError e) {
            LOG.debugf(e, "Datasource %s could not be looked up", name);
            return Optional.empty();
        }
    }

    /** @return Keycloak's own database's datasource, if it can be reached */
    public static Optional<AppDataSource> keycloakOwn() {
        return named(KEYCLOAK_DEFAULT);
    }

    /**
     * The named datasources Keycloak was started with, read from its configuration ({@code db-kind-<name>}), for
     * messages that tell an admin what exists. Quarkus's own list of active datasources is not complete in Keycloak.
     */
    public static Set<String> configuredNames() {
        Set<String> names = new TreeSet<>();
        try {
            for (String property : ConfigProvider.getConfig().getPropertyNames()) {
                Matcher kc = KC_DB_KIND.matcher(property);
                Matcher quarkus = QUARKUS_DB_KIND.matcher(property);
                if (kc.matches()) {
                    names.add(kc.group(1));
                } else if (quarkus.matches()) {
                    names.add(quarkus.group(1));
                }
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.debugf(e, "Keycloak's configuration could not be listed");
        }
        return names;
    }

    public String name() {
        return name;
    }

    /** A pooled connection; enlisted in the calling thread's JTA transaction if one is active. */
    Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /**
     * A pooled connection outside any transaction, or a failure once {@code millis} have passed: the wait happens on
     * a thread of {@link #CONNECTING}, and a connection that arrives later goes back to the pool.
     */
    Connection connectionWithin(int millis) throws SQLException {
        CompletableFuture<Connection> pending = CompletableFuture.supplyAsync(() -> {
            try {
                return pool.getConnection();
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        }, CONNECTING);
        try {
            return pending.get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.thenAccept(AppDataSource::closeQuietly);
            throw new SQLTransientConnectionException("no connection to the app database within " + millis + " ms",
                    "08001");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
            if (cause instanceof SQLException sql) {
                throw sql;
            }
            throw new SQLTransientConnectionException("no connection to the app database: " + cause, "08001", cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.thenAccept(AppDataSource::closeQuietly);
            throw new SQLTransientConnectionException("interrupted while waiting for a connection", "08001", e);
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debugf("A connection that came too late could not be closed: %s", e.getMessage());
        }
    }

    /**
     * Closes the pool's idle connections now and its busy ones when they come back: after a connection failed, the
     * others were most likely opened to the same server before it went away.
     */
    void discardConnections() {
        try {
            pool.flush(AgroalDataSource.FlushMode.GRACEFUL);
        } catch (RuntimeException | LinkageError e) {
            LOG.debugf(e, "Datasource %s could not be flushed", name);
        }
    }

    /** @return whether the pool hands out XA connections (Keycloak's {@code transaction-xa-enabled-<name>}) */
    public boolean isXa() {
        try {
            Class<?> provider = pool.getConfiguration().connectionPoolConfiguration().connectionFactoryConfiguration()
                    .connectionProviderClass();
            return provider != null && XADataSource.class.isAssignableFrom(provider);
        } catch (RuntimeException | LinkageError e) {
            LOG.debugf(e, "Datasource %s: XA setting unknown", name);
            return false;
        }
    }

    @Override
    public String toString() {
        return "AppDataSource[" + name + "]";
    }
}
