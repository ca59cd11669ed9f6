package dev.appusers.keycloak.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/** A unit of JDBC work on the app database's connection. */
@FunctionalInterface
public interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
}
