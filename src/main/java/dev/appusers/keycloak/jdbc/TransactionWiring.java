package dev.appusers.keycloak.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

import org.keycloak.models.KeycloakSession;

/**
 * Whether WRITABLE mode's writes can commit. They join Keycloak's transaction beside Keycloak's own database, so
 * Keycloak commits both in two phases, and every datasource that is XA must be able to prepare: a PostgreSQL server
 * with {@code max_prepared_transactions = 0} (its default) cannot, and the first write would fail at commit. Reads
 * never need this (they run outside Keycloak's transaction).
 */
public final class TransactionWiring {

    private TransactionWiring() {
    }

    /** @return what stops writes from committing, with the two ways out, or empty when writes can commit */
    public static Optional<String> problemForWrites(KeycloakSession session, String datasource) {
        AppDatabase app = new AppDatabase(session, datasource);
        if (app.dataSource().isXa() && !canPrepare(app)) {
            return Optional.of("WRITABLE mode writes to the app database inside Keycloak's transaction, and the "
                    + "datasource " + datasource + " is XA (Keycloak's default for a named datasource), but the app's "
                    + "PostgreSQL server has max_prepared_transactions = 0, so no write could commit. Either set "
                    + "max_prepared_transactions to at least Keycloak's worker threads on the app's PostgreSQL server "
                    + "(a server restart), or start Keycloak with transaction-xa-enabled-" + datasource + "=false and "
                    + "transaction-xa-enabled=true (Keycloak's own database then prepares instead). READ_ONLY mode "
                    + "needs neither.");
        }
        if (!app.dataSource().isXa()) {
            AppDatabase own = new AppDatabase(session, AppDataSource.KEYCLOAK_DEFAULT);
            if (AppDataSource.keycloakOwn().map(AppDataSource::isXa).orElse(false) && !canPrepare(own)) {
                return Optional.of("WRITABLE mode writes to the app database inside Keycloak's transaction; the "
                        + "datasource " + datasource + " is not XA (transaction-xa-enabled-" + datasource + "=false), "
                        + "so Keycloak's own database must prepare, but its PostgreSQL server has "
                        + "max_prepared_transactions = 0. Either set max_prepared_transactions > 0 on Keycloak's "
                        + "PostgreSQL server, or make the app database the XA one (remove transaction-xa-enabled-"
                        + datasource + "=false and transaction-xa-enabled=true; the app's server must then allow "
                        + "prepared transactions). READ_ONLY mode needs neither.");
            }
        }
        return Optional.empty();
    }

    /** PostgreSQL prepares only with {@code max_prepared_transactions} above 0; the other databases always can. */
    private static boolean canPrepare(AppDatabase database) {
        return database.run("checking prepared transactions", TransactionWiring::canPrepare);
    }

    private static boolean canPrepare(Connection connection) throws SQLException {
        if (!connection.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres")) {
            return true;
        }
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SHOW max_prepared_transactions")) {
            return rs.next() && rs.getInt(1) > 0;
        }
    }
}
