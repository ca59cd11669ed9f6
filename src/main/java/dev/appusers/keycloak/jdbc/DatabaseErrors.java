package dev.appusers.keycloak.jdbc;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.ModelException;

import dev.appusers.keycloak.metrics.DbFailure;

/**
 * What a JDBC failure on the app database means for Keycloak, and how it may be told. Drivers put row data into
 * their messages (PostgreSQL's {@code Detail: Failing row contains (...)} carries the whole row, password hash
 * included; MariaDB's {@code Duplicate entry 'alice@example.com'} the value), so only the SQLState, the vendor code,
 * the constraint or column name and the operation ever leave this class; the server's own words only for failures
 * of the connection itself, which name the server, never a row.
 */
final class DatabaseErrors {

    /**
     * SQLStates of a database that is there but will not serve: not accepting connections (55000 at connect),
     * terminated by an administrator, shutting down or starting up (57P01..57P03), too many connections or other
     * resource shortage (53xxx), credentials refused (28xxx), no such database (3D000).
     */
    private static final Set<String> UNAVAILABLE_STATES = Set.of("55000", "57P01", "57P02", "57P03", "57P05",
            "28000", "28P01", "3D000", "08004");
    /**
     * MariaDB/MySQL error codes of the same kind: too many connections (1040), host blocked (1129, 1130),
     * credentials refused (1045), no such database (1049), user connection limit (1226), connection killed (1927),
     * server gone or lost (2002, 2003, 2006, 2013), shutting down (1053).
     */
    private static final Set<Integer> UNAVAILABLE_CODES = Set.of(1040, 1045, 1049, 1053, 1129, 1130, 1226, 1927,
            2002, 2003, 2006, 2013);
    private static final Set<String> TIMEOUT_STATES = Set.of("57014", "70100", "HYT00");
    /**
     * A mapped table, column or schema that no longer exists (PostgreSQL 42P01, 42703, 3F000; MariaDB 1146, 1054):
     * the app's database was replaced or migrated under Keycloak. No user of the component can be served until the
     * schema matches again, so the store is as unavailable as a stopped server, not an error of one request.
     */
    private static final Set<String> MISSING_SCHEMA_STATES = Set.of("42P01", "42703", "3F000");
    private static final Set<Integer> MISSING_SCHEMA_CODES = Set.of(1146, 1054);
    private static final Pattern CONSTRAINT = Pattern.compile(
            "(?i)(?:constraint|for key)\\s+[\"'`]([^\"'`]{1,128})[\"'`]");
    private static final Pattern COLUMN = Pattern.compile("(?i)column\\s+[\"'`]([^\"'`]{1,128})[\"'`]");

    private DatabaseErrors() {
    }

    /** @return whether the failure is of the connection rather than of the statement: a fresh connection may work */
    static boolean isConnectionFailure(SQLException e) {
        for (SQLException s = e; s != null; s = next(s)) {
            String state = s.getSQLState();
            if (state != null && state.startsWith("45")) {
                continue; // a trigger's SIGNAL: MariaDB Connector/J 3.5 throws it as SQLTransientConnectionException
            }
            if (s instanceof SQLTransientConnectionException || s instanceof SQLNonTransientConnectionException
                    || s instanceof SQLRecoverableException || state != null && state.startsWith("08")
                    || state != null && (UNAVAILABLE_STATES.contains(state) || state.startsWith("53"))
                    || UNAVAILABLE_CODES.contains(s.getErrorCode())) {
                return true;
            }
        }
        return false;
    }

    private static SQLException next(SQLException e) {
        if (e.getNextException() != null) {
            return e.getNextException();
        }
        return e.getCause() instanceof SQLException cause && cause != e ? cause : null;
    }

    /** The app database could not be reached or refused to serve: Keycloak goes on with its other user stores. */
    static RuntimeException unavailable(String operation, SQLException e) {
        return StoreUnavailable.exception("The app database is unavailable (" + operation + "): "
                + connectionProblem(e), e);
    }

    /** @return whether the database did not answer within the connection's network timeout */
    static boolean isNetworkTimeout(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** @return whether the statement failed because a table or column it names is not there (any more) */
    static boolean isMissingObject(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return MISSING_SCHEMA_STATES.contains(state) || MISSING_SCHEMA_CODES.contains(e.getErrorCode());
    }

    /**
     * What a failure that left {@link AppDatabase} was, for the meters: a database that could not serve or did not
     * answer in time, or one that answered with an error.
     */
    static DbFailure kindOf(RuntimeException e) {
        if (!StoreUnavailable.is(e)) {
            return DbFailure.REFUSED;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTimeoutException || t instanceof java.net.SocketTimeoutException
                    || t instanceof SQLException s && s.getSQLState() != null
                    && TIMEOUT_STATES.contains(s.getSQLState())) {
                return DbFailure.TIMEOUT;
            }
        }
        return DbFailure.UNAVAILABLE;
    }

    /** A failure of a statement on a working connection. */
    static RuntimeException translate(String operation, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (isConnectionFailure(e)) {
            return unavailable(operation, e);
        }
        if (isMissingObject(e)) {
            return StoreUnavailable.exception("The app database no longer has a table or column the component maps ("
                    + operation + "; " + codes(e) + "): the app's schema changed or the database was replaced; "
                    + "check the component's settings against it", null);
        }
        if (e instanceof SQLTimeoutException || TIMEOUT_STATES.contains(state)) {
            return StoreUnavailable.exception("The app database did not answer in time (" + operation
                    + "); see the provider's queryTimeoutSeconds", e);
        }
        if (state.startsWith("23")) {
            String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
            if (state.equals("23505") || e.getErrorCode() == 1062 || message.contains("duplicate")) {
                return new ModelDuplicateException("A user with this value already exists in the app's table ("
                        + operation + "; " + codes(e) + constraint(e) + ")");
            }
            return new ModelException("The app's table refused the change (" + operation + "; " + codes(e)
                    + constraint(e) + ")");
        }
        return new ModelException("App database query failed (" + operation + "; " + codes(e) + ")");
    }

    /**
     * The server's own words for a failed connection (they name the server, the database or the role, never a row):
     * the first line only, at most 200 characters.
     */
    static String connectionProblem(SQLException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        String first = (newline < 0 ? message : message.substring(0, newline)).strip();
        if (first.length() > 200) {
            first = first.substring(0, 200) + "...";
        }
        return codes(e) + ": " + first;
    }

    /** {@code SQLState 23502, error 0}: what an operator can look up, and nothing of the row. */
    static String codes(SQLException e) {
        return "SQLState " + e.getSQLState() + (e.getErrorCode() == 0 ? "" : ", error " + e.getErrorCode());
    }

    private static String constraint(SQLException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        int newline = message.indexOf('\n');
        String first = newline < 0 ? message : message.substring(0, newline);
        Matcher constraint = CONSTRAINT.matcher(first);
        if (constraint.find()) {
            return ", constraint " + constraint.group(1);
        }
        Matcher column = COLUMN.matcher(first);
        return column.find() ? ", column " + column.group(1) : "";
    }
}
