package dev.appusers.keycloak.scenarios.operations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.it.WireRefusal;

/**
 * The outage forms of a PostgreSQL app database, each with its SQLState, on the production server (Keycloak's own
 * database on PostgreSQL, the app datasources XA: Keycloak's defaults). Keycloak's datasource logs in as a role of its
 * own, without superuser rights (superusers are exempt from connection limits), to a database of its own.
 */
@On.Production
class PostgresOutageFormsScenarios extends OutageFormsScenarios {

    private static final String RENAMED = DATABASE + "_away";

    @Override
    AppDb db() {
        return AppDb.POSTGRES;
    }

    @Override
    void createDedicatedDatabaseAndLogin() throws Exception {
        for (String database : List.of(DATABASE, RENAMED)) {
            admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
        admin("DROP ROLE IF EXISTS " + LOGIN);
        // the machine's PostgreSQL trusts 127.0.0.1: the password is sent but never checked
        admin("CREATE ROLE " + LOGIN + " LOGIN NOSUPERUSER PASSWORD '" + LOGIN_PASSWORD + "'");
        db().create(DATABASE);
        db().execute(DATABASE, "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + LOGIN
                + ";\nGRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO " + LOGIN + ";\n");
    }

    @Override
    List<String> busyConnections() throws SQLException {
        List<String> busy = new ArrayList<>();
        try (Connection c = db().connect("postgres"); PreparedStatement s = c.prepareStatement(
                "SELECT pid || ' ' || state || ' ' || left(query, 100) FROM pg_stat_activity WHERE usename = ?"
                        + " AND state IS NOT NULL AND state <> 'idle'")) {
            s.setString(1, LOGIN);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    busy.add(rs.getString(1));
                }
            }
        }
        return busy;
    }

    @Test
    void databaseNotAcceptingConnections() throws Exception {
        unavailable("55000 database not accepting connections (ALLOW_CONNECTIONS false, sessions terminated)", () -> {
            admin("ALTER DATABASE " + DATABASE + " ALLOW_CONNECTIONS false");
            terminateSessions();
        }, () -> admin("ALTER DATABASE " + DATABASE + " ALLOW_CONNECTIONS true"));
    }

    @Test
    void sessionsTerminatedByAnAdministrator() throws Exception {
        connectionsLost("57P01 sessions terminated by an administrator (pg_terminate_backend), database fine",
                this::terminateSessions);
    }

    @Test
    void tooManyConnectionsForTheRole() throws Exception {
        unavailable("53300 too many connections (role CONNECTION LIMIT 0, sessions terminated)", () -> {
            admin("ALTER ROLE " + LOGIN + " CONNECTION LIMIT 0");
            terminateSessions();
        }, () -> admin("ALTER ROLE " + LOGIN + " CONNECTION LIMIT -1"));
    }

    /**
     * The datasource's credentials are no longer accepted. The machine's PostgreSQL trusts 127.0.0.1, so a changed
     * password (28P01) cannot be provoked here; a role that may no longer log in is refused with 28000
     * ("role ... is not permitted to log in"), the same class of failure: invalid authorization.
     */
    @Test
    void credentialsNoLongerAccepted() throws Exception {
        unavailable("28000 login refused (ALTER ROLE NOLOGIN, sessions terminated)", () -> {
            admin("ALTER ROLE " + LOGIN + " NOLOGIN");
            terminateSessions();
        }, () -> admin("ALTER ROLE " + LOGIN + " LOGIN"));
    }

    @Test
    void databaseRenamedAwayAndBack() throws Exception {
        unavailable("3D000 database renamed away and back (sessions terminated first)",
                () -> renameWhenFree(DATABASE, RENAMED), () -> {
                    if (databaseExists(RENAMED)) {
                        renameWhenFree(RENAMED, DATABASE);
                    }
                });
    }

    @Test
    void serverStartingUp() throws Exception {
        unavailable("57P03 server starting up (proxy answers the startup message, open connections cut)",
                () -> proxy.refuse(WireRefusal.postgres("57P03", "the database system is starting up")),
                proxy::restore);
    }

    /** {@code ALTER DATABASE ... RENAME} needs the database free of sessions; Keycloak may open one in between. */
    private void renameWhenFree(String from, String to) throws Exception {
        for (int attempt = 1; ; attempt++) {
            terminateSessions();
            try {
                admin("ALTER DATABASE " + from + " RENAME TO " + to);
                return;
            } catch (SQLException e) {
                if (!"55006".equals(e.getSQLState()) || attempt == 10) {
                    throw e;
                }
            }
        }
    }

    private boolean databaseExists(String name) throws SQLException {
        try (Connection c = db().connect("postgres");
             PreparedStatement s = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Ends every session of Keycloak's login or on its database, waiting up to 5 s for each to be gone. */
    private void terminateSessions() throws SQLException {
        try (Connection c = db().connect("postgres"); PreparedStatement s = c.prepareStatement(
                "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE (usename = ? OR datname IN (?, ?))"
                        + " AND pid <> pg_backend_pid()")) {
            s.setString(1, LOGIN);
            s.setString(2, DATABASE);
            s.setString(3, RENAMED);
            s.executeQuery().close();
        }
    }

    private void admin(String sql) throws SQLException {
        try (Connection c = db().connect("postgres"); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
