package dev.appusers.keycloak.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

import org.keycloak.models.KeycloakSession;

/**
 * Whether WRITABLE mode's writes can commit. They join Keycloak's transaction beside Keycloak's own database, and
 * Keycloak commits the two together: the one datasource that is not XA last and in one phase (Last Resource Commit
 * Optimization), every XA one in two phases, so every XA datasource must be able to prepare. A PostgreSQL server with
 * {@code max_prepared_transactions = 0} (its default) cannot, and the first write fails at commit ("prepared
 * transactions are disabled"; the admin console shows "Could not update user!"). The wirings that fail, checked by
 * starting Keycloak 26.7.5 in each: the app's datasource XA on such a server; the app's not XA and Keycloak's own XA
 * on such a server; both XA ({@code transaction-xa-enabled=true} and the named datasource's default) with Keycloak's
 * own on such a server. Neither XA is refused by Keycloak itself at build time (26.4 to 26.7: "All the datasources
 * except one must be XA"); it is refused here too, should a later Keycloak start with it. Reads never need any of
 * this (they run outside Keycloak's transaction).
 */
public final class TransactionWiring {

    /** One datasource in Keycloak's transaction: whether it is XA, and whether its server can prepare. */
    record Resource(boolean xa, boolean canPrepare) {
    }

    private TransactionWiring() {
    }

    /** @return what stops writes from committing, with the ways out, or empty when writes can commit */
    public static Optional<String> problemForWrites(KeycloakSession session, String datasource) {
        AppDatabase app = new AppDatabase(session, datasource);
        boolean appXa = app.dataSource().isXa();
        Resource appResource = new Resource(appXa, appXa && canPrepare(app));
        Optional<Resource> own = AppDataSource.keycloakOwn().map(AppDataSource::isXa).map(ownXa -> new Resource(ownXa,
                ownXa && canPrepare(new AppDatabase(session, AppDataSource.KEYCLOAK_DEFAULT))));
        return problem(datasource, appResource, own);
    }

    /**
     * @param app the app's datasource
     * @param own Keycloak's own datasource, empty when it cannot be looked up (then only the app's is judged)
     */
    static Optional<String> problem(String datasource, Resource app, Optional<Resource> own) {
        String start = "WRITABLE mode writes to the app database inside Keycloak's transaction, and ";
        String end = " READ_ONLY mode needs none of this.";
        if (app.xa() && !app.canPrepare()) {
            return Optional.of(start + "the datasource " + datasource + " is XA (Keycloak's default for a named "
                    + "datasource), but the app's PostgreSQL server has max_prepared_transactions = 0, so no write "
                    + "could commit. Either set max_prepared_transactions to at least Keycloak's worker threads on the "
                    + "app's PostgreSQL server (a server restart), or start Keycloak with transaction-xa-enabled-"
                    + datasource + "=false and transaction-xa-enabled=true (Keycloak's own database then prepares "
                    + "instead; on PostgreSQL it needs max_prepared_transactions too)." + end);
        }
        if (own.isEmpty()) {
            return Optional.empty();
        }
        if (app.xa() && own.get().xa() && !own.get().canPrepare()) {
            return Optional.of(start + "both the datasource " + datasource + " and Keycloak's own are XA "
                    + "(transaction-xa-enabled=true), so both must prepare, but Keycloak's own PostgreSQL server has "
                    + "max_prepared_transactions = 0, so no write could commit. Either start Keycloak with "
                    + "transaction-xa-enabled=false (Keycloak's own database then commits last, in one phase, and "
                    + "only the app database prepares), or set max_prepared_transactions to at least Keycloak's "
                    + "worker threads on Keycloak's PostgreSQL server (a server restart)." + end);
        }
        if (!app.xa() && own.get().xa() && !own.get().canPrepare()) {
            return Optional.of(start + "the datasource " + datasource + " is not XA (transaction-xa-enabled-"
                    + datasource + "=false), so Keycloak's own database must prepare, but its PostgreSQL server has "
                    + "max_prepared_transactions = 0. Either set max_prepared_transactions > 0 on Keycloak's "
                    + "PostgreSQL server, or make the app database the XA one (remove transaction-xa-enabled-"
                    + datasource + "=false and transaction-xa-enabled=true; the app's server must then allow "
                    + "prepared transactions)." + end);
        }
        if (!app.xa() && !own.get().xa()) {
            return Optional.of(start + "neither the datasource " + datasource + " nor Keycloak's own is XA, so "
                    + "Keycloak cannot commit the two together. Start Keycloak with transaction-xa-enabled-"
                    + datasource + "=true (the default; the app's PostgreSQL server then needs "
                    + "max_prepared_transactions > 0) or transaction-xa-enabled=true (Keycloak's own database "
                    + "prepares instead)." + end);
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
