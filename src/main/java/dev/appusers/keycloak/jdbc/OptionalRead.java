package dev.appusers.keycloak.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.Locale;
import java.util.Optional;

import org.jboss.logging.Logger;

/**
 * A read the sync can do without: a function the app may not have installed, a view it may not be allowed to see.
 * Its failure is an answer (empty, with a debug line naming the SQLState), not an error, and it leaves the
 * connection usable: inside a transaction it runs under a savepoint (PostgreSQL refuses every later statement of a
 * transaction in which one failed).
 */
final class OptionalRead {

    private static final Logger LOG = Logger.getLogger(OptionalRead.class);

    private OptionalRead() {
    }

    /** @param what names the read in the debug line */
    static <T> Optional<T> of(Connection connection, String what, SqlWork<Optional<T>> read) throws SQLException {
        Savepoint savepoint = connection.getAutoCommit() ? null : connection.setSavepoint();
        try {
            Optional<T> value = read.run(connection);
            if (savepoint != null) {
                connection.releaseSavepoint(savepoint);
            }
            return value;
        } catch (SQLException e) {
            if (DatabaseErrors.isConnectionFailure(e)) {
                throw e;
            }
            if (savepoint != null) {
                connection.rollback(savepoint);
            }
            LOG.debugf("%s: not available (SQLState %s, error %d)", what, e.getSQLState(), e.getErrorCode());
            return Optional.empty();
        }
    }

    /** Whether the connection is to PostgreSQL (else MariaDB or MySQL, the other databases this extension reads). */
    static boolean isPostgres(Connection connection) throws SQLException {
        return connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
    }
}
