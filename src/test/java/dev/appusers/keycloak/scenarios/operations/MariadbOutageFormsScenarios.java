package dev.appusers.keycloak.scenarios.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.appusers.keycloak.it.AdminClient;
import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.ChangeTableScript;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.it.OutageDatasource;
import dev.appusers.keycloak.it.WireRefusal;

/**
 * The outage forms of a MariaDB app database, each with its error code, on the MariaDB server (its datasources XA, as
 * Keycloak's defaults have them). Keycloak's datasource logs in as a user of its own, with a password, to a database of
 * its own (MariaDB's databases are server-wide: the run's suffix keeps them apart).
 */
@On.Mariadb
class MariadbOutageFormsScenarios extends OutageFormsScenarios {

    private static final String ACCOUNT = "'" + LOGIN + "'@'%'";
    private static final String ROTATED_PASSWORD = "Rotated-Login-Pw-2";

    @Override
    AppDb db() {
        return AppDb.MARIADB;
    }

    @Override
    void createDedicatedDatabaseAndLogin() throws Exception {
        admin("DROP USER IF EXISTS " + ACCOUNT);
        admin("CREATE USER " + ACCOUNT + " IDENTIFIED BY '" + LOGIN_PASSWORD + "'");
        db().create(DATABASE);
        admin("GRANT SELECT, INSERT, UPDATE, DELETE ON " + DATABASE + ".* TO " + ACCOUNT);
    }

    /** Connections of the login running a command, and InnoDB transactions any of its connections holds. */
    @Override
    List<String> busyConnections() throws SQLException {
        List<String> busy = new ArrayList<>();
        try (Connection c = db().connect(""); PreparedStatement s = c.prepareStatement(
                "SELECT CONCAT('thread ', id, ' ', command, ' ', COALESCE(state, ''), ' ', COALESCE(LEFT(info, 100),"
                        + " '')) FROM information_schema.processlist WHERE user = ? AND command <> 'Sleep'"
                        + " UNION ALL SELECT CONCAT('trx ', t.trx_id, ' ', t.trx_state, ' thread ',"
                        + " t.trx_mysql_thread_id) FROM information_schema.innodb_trx t"
                        + " JOIN information_schema.processlist p ON p.id = t.trx_mysql_thread_id WHERE p.user = ?")) {
            s.setString(1, LOGIN);
            s.setString(2, LOGIN);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    busy.add(rs.getString(1));
                }
            }
        }
        return busy;
    }

    /**
     * This class's login has no PROCESS privilege: the change feed cannot see MariaDB's open transactions, waits for
     * a number in flight up to the retention instead, and the admin form says which privilege would let it wait
     * exactly.
     */
    @Test
    void theAdminFormNamesThePrivilegeTheChangeFeedNeedsToSeeOpenTransactions() throws Exception {
        String schema = db().createFixtureSchema("noprocess");
        ChangeTableScript.install(db(), schema);
        admin("GRANT SELECT, INSERT, UPDATE, DELETE, EXECUTE ON " + schema + ".* TO " + ACCOUNT);
        Http.Response created = realm.admin.createFederation(realm.name, "feed-noprocess",
                Map.of("datasource", OutageDatasource.NAME, "cachePolicy", "DEFAULT", "dbSchema", schema,
                        "enabled", "false"));
        AdminClient.expect(created, 201, "component with a change table, login without PROCESS");
        String location = created.header("Location");
        String id = location.substring(location.lastIndexOf('/') + 1);
        try {
            String status = realm.admin.component(realm.name, id).path("config").path("changeFeed").path(0).asText();
            assertThat(status).startsWith("active: app_users_changes").contains("GRANT PROCESS");
        } finally {
            realm.admin.deleteOk("/" + realm.name + "/components/" + id);
        }
    }

    @Test
    void tooManyConnections() throws Exception {
        unavailable("1040 too many connections (proxy answers the handshake with ERR 1040, open connections cut)",
                () -> proxy.refuse(WireRefusal.mariadb(1040, "Too many connections")), proxy::restore);
    }

    /** The real per-user limit: one connection allowed, and the test holds it. */
    @Test
    void userConnectionLimitReached() throws Exception {
        Connection[] holder = new Connection[1];
        unavailable("1226 user connection limit (MAX_USER_CONNECTIONS 1, held by the test, Keycloak's killed)", () -> {
            admin("ALTER USER " + ACCOUNT + " WITH MAX_USER_CONNECTIONS 1");
            killConnections();
            holder[0] = DriverManager.getConnection(db().url(DATABASE), LOGIN, LOGIN_PASSWORD);
        }, () -> {
            if (holder[0] != null) {
                holder[0].close();
            }
            admin("ALTER USER " + ACCOUNT + " WITH MAX_USER_CONNECTIONS 0");
        });
    }

    @Test
    void passwordRotated() throws Exception {
        unavailable("1045 password rotated (ALTER USER IDENTIFIED BY another, connections killed) and back", () -> {
            admin("ALTER USER " + ACCOUNT + " IDENTIFIED BY '" + ROTATED_PASSWORD + "'");
            killConnections();
        }, () -> admin("ALTER USER " + ACCOUNT + " IDENTIFIED BY '" + LOGIN_PASSWORD + "'"));
    }

    /**
     * Connections that stay open see the tables gone (1146); new ones are refused with 1049 (unknown database).
     * Keycloak's are killed, so it is the 1049 form that is seen; the grants on the database survive a drop in MariaDB.
     */
    @Test
    void databaseDroppedAndRecreated() throws Exception {
        unavailable("1049 database dropped (connections killed), then re-created with the fixture", () -> {
            killConnections();
            admin("DROP DATABASE " + DATABASE);
        }, () -> db().create(DATABASE));
    }

    /**
     * The same drop with Keycloak's pooled connections left open, as a DBA's {@code DROP DATABASE} leaves them: those
     * connections see the tables gone (1146, SQLState 42S02) rather than an unknown database.
     */
    @Test
    void databaseDroppedUnderOpenConnections() throws Exception {
        unavailable("1146 database dropped under Keycloak's open connections, then re-created with the fixture",
                () -> admin("DROP DATABASE " + DATABASE), () -> db().create(DATABASE));
    }

    @Test
    void connectionsKilledByAnAdministrator() throws Exception {
        connectionsLost("connections killed by an administrator (KILL CONNECTION), database fine",
                this::killConnections);
    }

    private void killConnections() throws SQLException {
        try (Connection c = db().connect("");
             PreparedStatement s = c.prepareStatement("SELECT id FROM information_schema.processlist WHERE user = ?")) {
            s.setString(1, LOGIN);
            List<Long> ids = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            try (Statement kill = c.createStatement()) {
                for (long id : ids) {
                    try {
                        kill.execute("KILL CONNECTION " + id);
                    } catch (SQLException e) {
                        // gone already
                    }
                }
            }
        }
    }

    private void admin(String sql) throws SQLException {
        try (Connection c = db().connect(""); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
