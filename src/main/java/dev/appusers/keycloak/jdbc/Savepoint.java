package dev.appusers.keycloak.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A savepoint in Keycloak's transaction on the app database, set and ended with SQL statements: the JDBC savepoint
 * calls are refused on a connection enlisted in an XA transaction by some drivers and pools ({@code rollback} of any
 * kind), while PostgreSQL and MariaDB/MySQL take {@code SAVEPOINT}, {@code ROLLBACK TO SAVEPOINT} and
 * {@code RELEASE SAVEPOINT} inside one.
 */
final class Savepoint {

    private static final String NAME = "app_users_aside";

    private final Connection connection;

    private Savepoint(Connection connection) {
        this.connection = connection;
    }

    static Savepoint set(Connection connection) throws SQLException {
        execute(connection, "SAVEPOINT " + NAME);
        return new Savepoint(connection);
    }

    void release() throws SQLException {
        execute(connection, "RELEASE SAVEPOINT " + NAME);
    }

    /** Undoes what followed the savepoint, which leaves the transaction usable again. */
    void rollBack() throws SQLException {
        execute(connection, "ROLLBACK TO SAVEPOINT " + NAME);
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
