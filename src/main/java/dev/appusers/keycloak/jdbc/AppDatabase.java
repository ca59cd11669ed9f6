package dev.appusers.keycloak.jdbc;

import java.sql.Connection;
import java.sql.SQLException;


import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelException;

import dev.appusers.keycloak.metrics.ComponentMeters;
import dev.appusers.keycloak.metrics.DbOperation;

/**
 * The app database of one component in one Keycloak session, reached through a Keycloak named datasource. This is
 * the store boundary: JDBC failures leave it as {@link StoreUnavailable#exception} (database unreachable, refusing
 * connections or not answering in time: Keycloak goes on with its other user stores),
 * {@link org.keycloak.models.ModelDuplicateException} (a unique constraint) or {@link ModelException} (anything
 * else), never as {@code null}, and never with a row's data in the message.
 *
 * <p><b>Reads</b> ({@link #run}) take a connection of their own, outside Keycloak's JTA transaction (which is
 * suspended for the call): they need no two-phase commit, so READ_ONLY works with Keycloak's and the database's
 * default settings. A read that fails because its pooled connection is dead (the database restarted, an admin
 * ended the session) is tried once more on a fresh connection, after the pool's other connections are discarded, so
 * no pool-validation setting is needed. <b>Writes</b> ({@link #write}) join Keycloak's transaction, so a failure
 * anywhere rolls back both sides; once a session has written to a datasource (through any instance of this class),
 * its reads of that datasource join that transaction too and see the writes.
 *
 * <p>A database {@linkplain #metered metered} for a component times every call made with a {@link DbOperation}
 * (lookups and writes are named by the method), counts failures by kind and malformed rows, and keeps the
 * component's availability gauge; calls without one (the checks of a configuration on Save) are not recorded.
 */
public final class AppDatabase {

    private static final Logger LOG = Logger.getLogger(AppDatabase.class);

    private final KeycloakSession session;
    private final String datasourceName;
    private AppDataSource dataSource;
    /** Bound on each wait for the network, in milliseconds (0: the driver's default, none). */
    private int networkTimeoutMillis;
    private ComponentMeters meters = ComponentMeters.NONE;

    public AppDatabase(KeycloakSession session, String datasourceName) {
        this.session = session;
        this.datasourceName = datasourceName;
    }

    /**
     * Bounds every wait for the database's answer on this object's connections to the query timeout (and half a
     * second): a statement's own timeout is enforced by the server, or by a cancel request sent on a new connection,
     * and neither arrives when the network drops packets without resetting connections. A connection whose wait
     * ran out is closed by the driver.
     */
    public AppDatabase withNetworkTimeout(int queryTimeoutSeconds) {
        this.networkTimeoutMillis = queryTimeoutSeconds * 1000 + 500;
        return this;
    }

    /** Records this object's calls in the component's meters (with {@link ComponentMeters#NONE}: nothing). */
    public AppDatabase metered(ComponentMeters componentMeters) {
        this.meters = componentMeters;
        return this;
    }

    /** The message for a datasource Keycloak does not have, naming those it has. */
    public static String missingDatasource(String name) {
        return "Keycloak has no datasource named " + name + ". Start Keycloak with the options db-kind-" + name
                + ", db-url-full-" + name + ", db-username-" + name + " and db-password-" + name
                + " (keycloak.conf, or KC_DB_KIND_" + envName(name) + " etc.), or set 'datasource' to one it has: "
                + (AppDataSource.configuredNames().isEmpty() ? "none configured"
                : String.join(", ", AppDataSource.configuredNames()));
    }

    private static String envName(String name) {
        return name.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /** @return the datasource, or an unavailable-store exception naming what to configure */
    public AppDataSource dataSource() {
        if (dataSource == null) {
            dataSource = AppDataSource.named(datasourceName).orElseThrow(
                    () -> StoreUnavailable.exception(missingDatasource(datasourceName), null));
        }
        return dataSource;
    }

    /**
     * Reads from the app database; {@code operation} names it in errors ("looking up a user by email"). Once a read
     * of this session found the database unavailable, the session's later reads of it fail at once with the same
     * message: one sign-in asks the provider several times (by username, by email, ...), and a database that did
     * not answer in time would otherwise cost the network timeout each time.
     */
    public <T> T run(String operation, SqlWork<T> work) {
        Object unavailable = session.getAttribute(unavailableKey());
        if (unavailable != null) {
            throw StoreUnavailable.exception(unavailable + " (earlier in this request)", null);
        }
        try {
            return read(operation, work);
        } catch (RuntimeException e) {
            if (StoreUnavailable.is(e)) {
                session.setAttribute(unavailableKey(), e.getMessage());
            }
            throw e;
        }
    }

    /** {@link #run(String, SqlWork)}, timed as {@code kind} in the component's meters. */
    public <T> T run(DbOperation kind, String operation, SqlWork<T> work) {
        if (!meters.on() || session.getAttribute(unavailableKey()) != null) {
            return run(operation, work);
        }
        return timed(kind, () -> run(operation, work));
    }

    private <T> T timed(DbOperation kind, java.util.function.Supplier<T> call) {
        MalformedRows.take();
        long start = System.nanoTime();
        try {
            T result = call.get();
            meters.dbCall(kind, System.nanoTime() - start, null);
            return result;
        } catch (SchemaException e) {
            meters.dbCall(kind, System.nanoTime() - start, null); // answered: the table is not there (yet)
            throw e;
        } catch (RuntimeException e) {
            meters.dbCall(kind, System.nanoTime() - start, DatabaseErrors.kindOf(e));
            throw e;
        } finally {
            int malformed = MalformedRows.take();
            if (malformed > 0) {
                meters.malformedRows(malformed);
            }
        }
    }

    private String unavailableKey() {
        return AppDatabase.class.getName() + ".unavailable." + datasourceName;
    }

    private <T> T read(String operation, SqlWork<T> work) {
        if (wrote()) {
            return inTransaction(operation, work);
        }
        try (SuspendedTransaction ignored = SuspendedTransaction.of(session)) {
            try {
                return alone(operation, work);
            } catch (StaleConnection e) {
                LOG.debugf("A pooled connection to %s was dead (%s); reading again on a fresh one", datasourceName,
                        operation);
                dataSource().discardConnections();
                try {
                    return alone(operation, work);
                } catch (StaleConnection again) {
                    throw DatabaseErrors.unavailable(operation, again.failure);
                }
            }
        }
    }

    /**
     * A user lookup: {@link #run}, except that where Keycloak cannot skip an unavailable store by itself (26.4) an
     * unavailable database gives {@code whenUnavailable} ("not found") with a warning, as Keycloak 26.5 and later do
     * for it, instead of failing the whole request.
     */
    public <T> T lookup(String operation, SqlWork<T> work, T whenUnavailable) {
        return StoreUnavailable.keycloakSkipsProvider() ? run(DbOperation.USER_LOOKUP, operation, work)
                : orWhenUnavailable(operation, work, whenUnavailable, "going on without the app's users");
    }

    /**
     * A read whose caller cannot let Keycloak handle an unavailable store (a credential check: Keycloak calls it
     * outside its skip-the-provider handling): empty while the database is unavailable, with a warning.
     */
    public <T> java.util.Optional<T> readOrEmpty(String operation, SqlWork<java.util.Optional<T>> work) {
        return orWhenUnavailable(operation, work, java.util.Optional.empty(), "the user cannot sign in meanwhile");
    }

    private <T> T orWhenUnavailable(String operation, SqlWork<T> work, T fallback, String consequence) {
        try {
            return run(DbOperation.USER_LOOKUP, operation, work);
        } catch (RuntimeException e) {
            if (!StoreUnavailable.is(e)) {
                throw e;
            }
            LOG.warnf("%s; %s", e.getMessage(), consequence);
            return fallback;
        }
    }

    /** Writes to the app database in Keycloak's transaction (and reads in it from then on). */
    public <T> T write(String operation, SqlWork<T> work) {
        session.setAttribute(wroteKey(), Boolean.TRUE);
        return meters.on() ? timed(DbOperation.WRITE, () -> inTransaction(operation, work))
                : inTransaction(operation, work);
    }

    /**
     * A write in Keycloak's transaction whose failure must not fail that transaction (a hash rewritten at sign-in):
     * it runs after a savepoint, and a failure rolls back to it, so the transaction stays usable (PostgreSQL refuses
     * every later statement of a transaction in which one failed) and commits the rest of the request.
     *
     * @throws RuntimeException the failure as {@link #write} translates it, not logged here (the caller logs it once)
     */
    public <T> T writeAside(String operation, SqlWork<T> work) {
        session.setAttribute(wroteKey(), Boolean.TRUE);
        Connection connection = connect(operation, true);
        try (connection) {
            Savepoint savepoint = Savepoint.set(connection);
            try {
                T result = work.run(connection);
                savepoint.release();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    savepoint.rollBack();
                } catch (SQLException undo) {
                    e.addSuppressed(undo); // the connection is broken: Keycloak's commit reports it
                }
                throw e;
            }
        } catch (SQLException e) {
            throw DatabaseErrors.translate(operation, e);
        }
    }

    /**
     * Whether this session wrote to the datasource: kept on the session, so that an import-mode check of a user
     * ({@code ImportedUserValidation}) after a write in the same request reads the written row, not the committed one.
     */
    private boolean wrote() {
        return session.getAttribute(wroteKey()) != null;
    }

    private String wroteKey() {
        return AppDatabase.class.getName() + ".wrote." + datasourceName;
    }

    private <T> T inTransaction(String operation, SqlWork<T> work) {
        Connection connection = connect(operation, true);
        try (connection) {
            return work.run(connection);
        } catch (SQLException e) {
            RuntimeException translated = DatabaseErrors.translate(operation, e);
            // once, without the driver's text (which may hold the row): SQLState, constraint or column, operation
            LOG.warnf("%s", translated.getMessage());
            throw translated;
        }
    }

    /** One read on a connection outside any transaction; a dead connection becomes {@link StaleConnection}. */
    private <T> T alone(String operation, SqlWork<T> work) {
        Connection connection = connect(operation, false);
        try (connection) {
            try {
                return work.run(connection);
            } finally {
                if (!connection.getAutoCommit()) {
                    connection.rollback(); // a read: nothing to keep, and no transaction left open on the server
                }
            }
        } catch (SQLException e) {
            if (DatabaseErrors.isConnectionFailure(e) && !DatabaseErrors.isNetworkTimeout(e)) {
                throw new StaleConnection(e); // a network that did not answer in time is not tried again at once
            }
            throw DatabaseErrors.translate(operation, e);
        }
    }

    /**
     * A pooled connection. {@code enlisted}: taken on this thread, in Keycloak's transaction; otherwise (a read,
     * Keycloak's transaction suspended) waited for at most the network timeout, as a new connection to a database
     * whose network drops packets waits for the driver's own login timeout.
     */
    private Connection connect(String operation, boolean enlisted) {
        try {
            Connection connection = enlisted || networkTimeoutMillis == 0 ? dataSource().connection()
                    : dataSource().connectionWithin(networkTimeoutMillis);
            try {
                if (networkTimeoutMillis > 0 && connection.getNetworkTimeout() != networkTimeoutMillis) {
                    connection.setNetworkTimeout(Runnable::run, networkTimeoutMillis);
                }
            } catch (SQLException e) {
                connection.close();
                throw e;
            }
            return connection;
        } catch (SQLException e) {
            // no connection at all: whatever the server said, it is not serving us now
            throw DatabaseErrors.unavailable(operation, e);
        } catch (RuntimeException e) {
            if (StoreUnavailable.is(e)) {
                throw e;
            }
            throw StoreUnavailable.exception("The app database is unavailable (" + operation + "): "
                    + e.getClass().getSimpleName(), e);
        }
    }

    /** A read failed because its connection was dead; the read may be tried again on another. */
    private static final class StaleConnection extends RuntimeException {

        private static final long serialVersionUID = 1L;
        private final transient SQLException failure;

        StaleConnection(SQLException failure) {
            super(null, null, false, false);
            this.failure = failure;
        }
    }
}
