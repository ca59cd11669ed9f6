package dev.appusers.keycloak.it;

/**
 * Keycloak's own database on this machine's PostgreSQL, as production runs it (the suite's other servers keep
 * {@code start-dev}'s embedded one). Created afresh once per test run.
 */
public final class KeycloakOwnDatabase {

    private static final String DATABASE = AppDb.database("keycloak_own_it");
    /** A second named datasource: another app, on MariaDB. */
    public static final String SECOND_APP = "shopdb";
    public static final String SECOND_APP_DATABASE = AppDb.database("appusers_shop_it");
    /** A named datasource whose database user may read only the user table of {@link #LIMITED_SCHEMA}. */
    public static final String LIMITED = "limiteddb";
    public static final String LIMITED_USER = AppDb.database("appusers_limited");
    public static final String LIMITED_SCHEMA = AppDb.database("limited");
    private static boolean created;

    private KeycloakOwnDatabase() {
    }

    /**
     * The options of the production-mode server: {@link KeycloakServer#PRODUCTION}, Keycloak's {@code db-*} options
     * for its own database (created first if this run has not yet), no transaction option, and the two more named
     * datasources.
     */
    public static synchronized String[] productionOptions() {
        if (!created) {
            AppDb.POSTGRES.createEmpty(DATABASE);
            AppDb.MARIADB.create(SECOND_APP_DATABASE);
            AppDb.POSTGRES.execute(AppDb.IT_DATABASE, "DROP SCHEMA IF EXISTS " + LIMITED_SCHEMA + " CASCADE;\n"
                    + "CREATE SCHEMA " + LIMITED_SCHEMA + ";\n"
                    + "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + LIMITED_USER + "') THEN "
                    + "CREATE ROLE " + LIMITED_USER + " LOGIN; END IF; END $$;\n");
            AppDb.POSTGRES.executeIn(LIMITED_SCHEMA, AppDb.resource("schema-postgresql.sql"));
            AppDb.POSTGRES.execute(AppDb.IT_DATABASE, "GRANT USAGE ON SCHEMA " + LIMITED_SCHEMA + " TO " + LIMITED_USER
                    + ";\nGRANT SELECT ON " + LIMITED_SCHEMA + ".\"user\" TO " + LIMITED_USER + ";\n");
            created = true;
        }
        return new String[] {KeycloakServer.PRODUCTION, "--db=postgres", "--db-url=" + AppDb.POSTGRES.url(DATABASE),
            "--db-username=" + AppDb.POSTGRES.user, "--db-password=" + AppDb.POSTGRES.password,
            // a second app, on MariaDB, for the components that federate several apps
            "--db-kind-" + SECOND_APP + "=mariadb", "--db-url-full-" + SECOND_APP + "=" + AppDb.MARIADB.url(SECOND_APP_DATABASE),
            "--db-username-" + SECOND_APP + "=" + AppDb.MARIADB.user, "--db-password-" + SECOND_APP + "=" + AppDb.MARIADB.password,
            // the first app's database again, as a database user that may read the user table only
            "--db-kind-" + LIMITED + "=postgres", "--db-url-full-" + LIMITED + "=" + AppDb.POSTGRES.keycloakUrl(AppDb.IT_DATABASE),
            "--db-username-" + LIMITED + "=" + LIMITED_USER, "--db-password-" + LIMITED + "=unused-with-trust-auth"};
    }
}
