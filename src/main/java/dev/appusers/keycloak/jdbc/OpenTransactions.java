package dev.appusers.keycloak.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the app database can tell, when a sync starts, about the transactions still open then: a row such a
 * transaction writes is not in the sync's reads, however old its timestamp, so the next changed sync must take it.
 * PostgreSQL: the snapshot's xmin ({@code pg_snapshot_xmin(pg_current_snapshot())}): every transaction with an id
 * below it had ended; one whose id is at or above it may commit later (the change table's {@code txid} column holds
 * the writer's id). MariaDB and MySQL: the age of the oldest open InnoDB transaction
 * ({@code information_schema.innodb_trx}, which needs the PROCESS privilege): a row written by a transaction open then
 * has a timestamp no older than that transaction's start. Either may be unknown (an old server, no privilege).
 */
public final class OpenTransactions {

    /** PostgreSQL's xmin at the start, if known. */
    private final Long xmin;
    /** The oldest open transaction's age at the start (zero when none was open), if known. */
    private final Duration oldestAge;

    private OpenTransactions(Long xmin, Duration oldestAge) {
        this.xmin = xmin;
        this.oldestAge = oldestAge;
    }

    /** Nothing known: the changed sync then falls back on the horizon. */
    public static OpenTransactions unknown() {
        return new OpenTransactions(null, null);
    }

    /** For tests of what uses it. */
    public static OpenTransactions of(OptionalLong xmin, Optional<Duration> oldestAge) {
        return new OpenTransactions(xmin.isPresent() ? xmin.getAsLong() : null, oldestAge.orElse(null));
    }

    /** Reads what the database tells now; a read it refuses leaves that part unknown. */
    public static OpenTransactions now(Connection connection, int queryTimeoutSeconds) throws SQLException {
        if (OptionalRead.isPostgres(connection)) {
            Optional<Long> xmin = OptionalRead.of(connection, "pg_current_snapshot", c -> number(c,
                    "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint", queryTimeoutSeconds))
                    .or(() -> olderPostgres(connection, queryTimeoutSeconds));
            return new OpenTransactions(xmin.orElse(null), null);
        }
        Optional<Long> micros = OptionalRead.of(connection, "information_schema.innodb_trx", c -> number(c,
                "SELECT COALESCE(TIMESTAMPDIFF(MICROSECOND, MIN(trx_started), NOW(6)), 0) "
                        + "FROM information_schema.innodb_trx", queryTimeoutSeconds));
        return new OpenTransactions(null, micros.map(value -> Duration.ofNanos(Math.max(0, value) * 1000)).orElse(null));
    }

    /** PostgreSQL before 13 (txid_current_snapshot, the same 64-bit ids). */
    private static Optional<Long> olderPostgres(Connection connection, int queryTimeoutSeconds) {
        try {
            return OptionalRead.of(connection, "txid_current_snapshot", c -> number(c,
                    "SELECT txid_snapshot_xmin(txid_current_snapshot())", queryTimeoutSeconds));
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    private static Optional<Long> number(Connection connection, String sql, int queryTimeoutSeconds)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setQueryTimeout(queryTimeoutSeconds);
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long value = rs.getLong(1);
                return rs.wasNull() ? Optional.empty() : Optional.of(value);
            }
        }
    }

    /** PostgreSQL: the lowest transaction id that was still open (or not yet begun) at the start. */
    public OptionalLong xmin() {
        return xmin == null ? OptionalLong.empty() : OptionalLong.of(xmin);
    }

    /** MariaDB/MySQL: how long the oldest transaction open at the start had been running (zero: none was). */
    public Optional<Duration> oldestAge() {
        return Optional.ofNullable(oldestAge);
    }

    @Override
    public String toString() {
        return "OpenTransactions{xmin=" + xmin + ", oldestAge=" + oldestAge + "}";
    }
}
