package dev.appusers.keycloak.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;

/**
 * A real app database on this machine's PostgreSQL or MariaDB, created from the Litestar-Users fixtures in
 * {@code src/test/resources/appdb}. Hosts, ports and users can be overridden with {@code -Dpg.url=...} etc.
 */
public enum AppDb {
    POSTGRES("postgres", "postgresql",
            System.getProperty("it.pg.url", "jdbc:postgresql://127.0.0.1:5432/"),
            System.getProperty("it.pg.user", "postgres"), System.getProperty("it.pg.password", "postgres")),
    MARIADB("mariadb", "mysql",
            System.getProperty("it.mariadb.url", "jdbc:mariadb://127.0.0.1:3306/"),
            System.getProperty("it.mariadb.user", "root"), System.getProperty("it.mariadb.password", ""));

    /** Keycloak's {@code db-kind}. */
    public final String kind;
    private final String fixture;
    private final String serverUrl;
    public final String user;
    public final String password;

    AppDb(String kind, String fixture, String serverUrl, String user, String password) {
        this.kind = kind;
        this.fixture = fixture;
        this.serverUrl = serverUrl;
        this.user = user;
        this.password = password;
    }

    public String url(String database) {
        return serverUrl + database;
    }

    /**
     * The URL Keycloak's {@code appdb} datasource uses: for PostgreSQL through a {@link TcpProxy}, so the outage tests
     * can take the database away from Keycloak alone.
     */
    public String keycloakUrl(String database) {
        if (this != POSTGRES) {
            return url(database);
        }
        return urlThrough(proxy(server().getHost(), server().getPort()), database);
    }

    /** The database server's address, as its JDBC URL gives it ({@code -Dit.pg.url}, {@code -Dit.mariadb.url}). */
    public java.net.URI server() {
        return java.net.URI.create(serverUrl.substring("jdbc:".length()));
    }

    /** The JDBC URL of {@code database} on this server through {@code proxy} (which forwards to {@link #server()}). */
    public String urlThrough(TcpProxy proxy, String database) {
        return "jdbc:" + server().getScheme() + "://127.0.0.1:" + proxy.port() + "/" + database;
    }

    private static TcpProxy proxy;

    /** The proxy between Keycloak and PostgreSQL (one per test JVM). */
    public static synchronized TcpProxy proxy(String host, int port) {
        if (proxy == null) {
            try {
                proxy = new TcpProxy(host, port);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return proxy;
    }

    public static synchronized TcpProxy postgresProxy() {
        if (proxy == null) {
            throw new IllegalStateException("Keycloak is not running on PostgreSQL");
        }
        return proxy;
    }

    /** The database Keycloak's {@code appdb} datasource points at in the integration tests. */
    public static final String IT_DATABASE = "appusers_it" + suffix();

    /** Creates {@code database} (PostgreSQL) if it is not there yet, empty; an existing one is left as it is. */
    public void ensureDatabase(String database) {
        try (Connection c = connect("postgres");
                java.sql.PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, database);
            if (!exists.executeQuery().next()) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE " + database);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create " + database + " on " + kind + ": " + e.getMessage(), e);
        }
    }

    /** Drops and creates {@code database}, then loads the Litestar-Users schema and the seed users. */
    public void create(String database) {
        createEmpty(database);
        execute(database, resource("schema-" + fixture + ".sql"));
        execute(database, resource("seed-" + fixture + ".sql"));
    }

    /** Drops and creates {@code database}, empty. */
    public void createEmpty(String database) {
        String admin = this == POSTGRES ? "postgres" : "";
        try (Connection c = DriverManager.getConnection(url(admin), user, password); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database);
            s.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create " + database + " on " + serverUrl + ": is " + kind
                    + " running? (.ci/run starts it)", e);
        }
    }

    /**
     * An isolated copy of the fixture for one test class: a PostgreSQL schema inside {@link #IT_DATABASE}, or a MariaDB
     * database (MariaDB's schemas), reachable through the same datasource with the {@code dbSchema} setting.
     *
     * @return the schema's name: {@code name}, the database kind and the run's suffix
     */
    public String createFixtureSchema(String name) {
        String schema = name + "_" + name().toLowerCase() + suffix();
        if (this == POSTGRES) {
            execute(IT_DATABASE, "DROP SCHEMA IF EXISTS " + schema + " CASCADE;\nCREATE SCHEMA " + schema + ";\n");
        } else {
            execute("", "DROP DATABASE IF EXISTS " + schema + ";\nCREATE DATABASE " + schema + ";\n");
        }
        executeIn(schema, resource("schema-" + fixture + ".sql"));
        executeIn(schema, resource("seed-" + fixture + ".sql"));
        return schema;
    }

    /**
     * Gives the seed users whose hashes cost most (alice: bcrypt cost 12; bob: argon2id 64 MiB; erin: Litestar-Users'
     * default, argon2id 100 MiB) hashes of the same passwords in the same schemes at light cost, made by passlib
     * ({@code fixtures/light-hashes.json}, {@code fixtures/make_light_hashes.py}): for the scenarios whose subject is
     * not the password hash (roles, attributes, search, sessions, ...), which sign these users in again and again. The
     * scenarios of hashes, their cost, timing and floods keep the app's hashes as {@code appdb/seed-*.sql} has them.
     */
    public void lightenSeedHashes(String schema) {
        try (InputStream in = AppDb.class.getResourceAsStream("/fixtures/light-hashes.json")) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource fixtures/light-hashes.json");
            }
            StringBuilder script = new StringBuilder();
            for (com.fasterxml.jackson.databind.JsonNode user : Http.JSON.readTree(in)) {
                script.append("UPDATE ").append(userTable()).append(" SET password_hash = '")
                        .append(user.get("hash").asText()).append("' WHERE email = '")
                        .append(user.get("email").asText()).append("';\n");
            }
            executeIn(schema, script.toString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A database name of this run: {@code base} and the run's suffix. */
    public static String database(String base) {
        return base + suffix();
    }

    /**
     * {@code -Dit.suffix=_b} keeps the databases and schemas of two test runs on one machine apart (MariaDB's schemas
     * are server-wide databases); so does the Failsafe fork's number ({@link Fork}) the suites of one run that run at
     * once.
     */
    private static String suffix() {
        return System.getProperty("it.suffix", "") + Fork.suffix();
    }

    /** Runs a script with {@code schema} as the default schema. */
    public void executeIn(String schema, String script) {
        String use = this == POSTGRES ? "SET search_path TO " + schema + ";\n" : "USE " + schema + ";\n";
        execute(homeOf(schema), use + script);
    }

    /** A connection whose default schema is {@code schema}. */
    public Connection connectTo(String schema) throws SQLException {
        Connection c = connect(homeOf(schema));
        try (Statement s = c.createStatement()) {
            s.execute(this == POSTGRES ? "SET search_path TO " + schema : "USE " + schema);
        }
        return c;
    }

    /**
     * The database to connect to for {@code schema}: PostgreSQL's schemas live in {@link #IT_DATABASE}; a MariaDB schema
     * is a database of its own, reached from the server without one (so that no other class must have created
     * {@link #IT_DATABASE} first: the order of test classes differs between machines).
     */
    private String homeOf(String schema) {
        return this == POSTGRES ? IT_DATABASE : "";
    }

    /** The user table's name as SQL needs it on this database. */
    public String userTable() {
        return this == POSTGRES ? "\"user\"" : "user";
    }

    /** Inserts an app user the way the app would: UUID id in the column's own format. */
    public void insertUser(String schema, java.util.UUID id, String email, String passwordHash, boolean active,
                           boolean verified) {
        try (Connection c = connectTo(schema); java.sql.PreparedStatement s = c.prepareStatement("INSERT INTO "
                + userTable() + " (id, email, password_hash, is_active, is_verified) VALUES (?, ?, ?, ?, ?)")) {
            s.setObject(1, idValue(id));
            s.setString(2, email);
            s.setString(3, passwordHash);
            s.setBoolean(4, active);
            s.setBoolean(5, verified);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("insert of " + email + " failed: " + e.getMessage(), e);
        }
    }

    /** A UUID as the fixture's id columns store it: native uuid on PostgreSQL, BINARY(16) on MariaDB. */
    public Object idValue(java.util.UUID id) {
        if (this == POSTGRES) {
            return id;
        }
        return java.nio.ByteBuffer.allocate(16).putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits()).array();
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(url(database), user, password);
    }

    /** Runs statements separated by {@code ;} at line ends. */
    public void execute(String database, String script) {
        List<String> statements = Arrays.stream(script.split(";\\s*(\\n|$)"))
                .map(String::strip).filter(s -> !s.isEmpty() && !s.lines().allMatch(l -> l.strip().startsWith("--")))
                .toList();
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Fixture script failed on " + kind + ": " + e.getMessage(), e);
        }
    }

    public static String resource(String name) {
        try (InputStream in = AppDb.class.getResourceAsStream("/appdb/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource appdb/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
