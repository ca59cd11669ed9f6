package dev.appusers.keycloak.jdbc;

import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;

import jakarta.persistence.PersistenceException;

import org.hibernate.Session;
import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.ModelException;
import org.keycloak.storage.StorageUnavailableException;

/**
 * The app database, reached through Keycloak's named datasource {@code appdb} and the jar's JTA persistence unit
 * {@value #PERSISTENCE_UNIT}, so every statement joins Keycloak's transaction. This is the store boundary: JDBC and
 * Hibernate failures leave it as {@link StorageUnavailableException} (database unreachable or not answering in time:
 * Keycloak skips the provider), {@link ModelDuplicateException} (a unique constraint) or {@link ModelException}
 * (anything else), never as {@code null}.
 */
public final class AppDatabase {

    public static final String PERSISTENCE_UNIT = "app-users-jpa";
    public static final String DATASOURCE = "appdb";
    public static final String MISSING_DATASOURCE = "The app database is not configured: set the Keycloak options "
            + "db-kind-appdb, db-url-full-appdb, db-username-appdb and db-password-appdb (keycloak.conf or KC_DB_KIND_APPDB, "
            + "KC_DB_URL_FULL_APPDB, KC_DB_USERNAME_APPDB, KC_DB_PASSWORD_APPDB) and restart Keycloak";

    private static final Logger LOG = Logger.getLogger(AppDatabase.class);

    private final KeycloakSession session;

    public AppDatabase(KeycloakSession session) {
        this.session = session;
    }

    /** Runs {@code work} on the app database inside Keycloak's transaction. {@code operation} names it in errors. */
    public <T> T run(String operation, SqlWork<T> work) {
        JpaConnectionProvider jpa;
        try {
            jpa = session.getProvider(JpaConnectionProvider.class, PERSISTENCE_UNIT);
        } catch (RuntimeException e) {
            throw new StorageUnavailableException(MISSING_DATASOURCE, e);
        }
        if (jpa == null) {
            throw new StorageUnavailableException(MISSING_DATASOURCE);
        }
        try {
            return jpa.getEntityManager().unwrap(Session.class).doReturningWork(work::run);
        } catch (PersistenceException e) {
            throw translate(operation, e);
        }
    }

    static RuntimeException translate(String operation, RuntimeException e) {
        SQLException sql = sqlCause(e);
        String state = sql == null ? null : sql.getSQLState();
        if (sql instanceof SQLTransientConnectionException || state != null && state.startsWith("08")
                || isConnectionFailure(e)) {
            LOG.debugf(e, "App database unavailable while %s", operation);
            return new StorageUnavailableException("The app database is unavailable (" + operation + "): "
                    + describe(sql, e), e);
        }
        if (state != null && state.startsWith("23")) {
            String message = sql.getMessage() == null ? "" : sql.getMessage().toLowerCase(java.util.Locale.ROOT);
            if (state.equals("23505") || message.contains("duplicate") || message.contains("unique")) {
                return new ModelDuplicateException("A user with this value already exists in the app's table ("
                        + operation + ")", e);
            }
            return new ModelException("The app's table refused the change (" + operation + "): " + describe(sql, e), e);
        }
        if (sql instanceof SQLTimeoutException || "57014".equals(state) || "70100".equals(state)
                || e.getClass().getSimpleName().contains("Timeout")) {
            // a hung database is an unavailable one: Keycloak goes on with its other user stores
            return new StorageUnavailableException("The app database did not answer in time (" + operation
                    + "); see the provider's queryTimeoutSeconds", e);
        }
        return new ModelException("App database query failed (" + operation + "): " + describe(sql, e), e);
    }

    private static boolean isConnectionFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String name = t.getClass().getSimpleName();
            if (name.equals("JDBCConnectionException") || name.equals("ConnectException")
                    || t.getMessage() != null && t.getMessage().contains("Acquisition timeout")) {
                return true;
            }
        }
        return false;
    }

    private static SQLException sqlCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }

    private static String describe(SQLException sql, RuntimeException e) {
        return sql == null ? e.getClass().getSimpleName() + ": " + e.getMessage()
                : "SQLState " + sql.getSQLState() + ": " + sql.getMessage();
    }
}
