package dev.appusers.keycloak.it;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What one integration test class works in: the Keycloak server of its target ({@link Target#current()}) running with
 * the target's app database, a realm of its own and, when it asks for one, an isolated copy of the fixture tables. The
 * server is shared by configuration: every target with the same database, Keycloak line and mode uses the same running
 * server ({@link KeycloakServer#with}), whatever the order of the classes.
 */
public final class ItRealm {

    private static final java.util.Set<AppDb> PREPARED = java.util.EnumSet.noneOf(AppDb.class);

    public final AppDb db;
    public final KeycloakServer server;
    public final AdminClient admin;
    public final String name;
    public final OidcClient oidc;
    /** Where this test class's part of the server's log starts ({@link KeycloakServer#claimLog()}). */
    private final long logStart;

    private ItRealm(AppDb db, KeycloakServer server, String name) {
        this.db = db;
        this.server = server;
        this.logStart = server.claimLog();
        this.admin = new AdminClient(server);
        this.name = name;
        admin.deleteIfPresent("/" + name);
        admin.createRealm(name);
        this.oidc = new OidcClient(server, name);
    }

    /**
     * What the server logged since this test class created its realm (or started the server): a class's log checks see
     * its own doing, not lines an earlier class on the same server left.
     */
    public String log() {
        return server.logSince(logStart);
    }

    /** The server of {@code target}'s configuration, started unless it runs already. */
    private static KeycloakServer sharedServer(Target target) {
        AppDb db = target.db();
        synchronized (PREPARED) {
            if (!PREPARED.contains(db)) {
                KeycloakCluster.closeShared(); // its nodes hold connections to the database dropped here
                db.create(AppDb.IT_DATABASE);
                PREPARED.add(db);
            }
        }
        return KeycloakServer.with(KeycloakServer.home(target.line()), db, AppDb.IT_DATABASE, options(target));
    }

    /**
     * One of the two datasources in Keycloak's transaction must be XA (docs/configuration.md, "Transactions: which
     * database prepares"). Both wirings that page offers are run: on PostgreSQL, Keycloak's own database is XA and
     * the app database the one-phase last resource
     * (no prepared transactions needed on the app's server); on MariaDB, Keycloak's defaults: the app database is XA.
     * In production mode, Keycloak's defaults ({@link Target#PRODUCTION}). The MariaDB and production servers also
     * declare the outage forms' datasource ({@link OutageDatasource}).
     */
    private static String[] options(Target target) {
        AppDb db = target.db();
        if (target.production()) {
            return concat(concat(KeycloakOwnDatabase.productionOptions(), healthOptions(target.line())),
                    OutageDatasource.options(db));
        }
        return db == AppDb.POSTGRES ? concat(transactionOptions(db), healthOptions(target.line()))
                : concat(concat(transactionOptions(db), providerMetersOff()), OutageDatasource.options(db));
    }

    /**
     * Keycloak's metrics on and the provider's meters switched off, as an operator may run it: the MariaDB server
     * (MetersOffScenarios).
     */
    static String[] providerMetersOff() {
        return new String[] {"--metrics-enabled=true",
                dev.appusers.keycloak.metrics.AppUsersMeters.OPTION + "=false"};
    }

    /**
     * What the README's install steps and the recipes set for Keycloak's health on {@code line}: health (the harness
     * always enables it) and metrics on, and the {@code appdb} datasource left out of Keycloak's readiness check, with
     * {@code db-health-exclude-appdb} on 26.7 and the {@code quarkus.properties} line on 26.4 and 26.5, which have no
     * such option. The PostgreSQL servers run with it (the outage tests check that readiness stays UP); the MariaDB
     * server runs without, so its tests see the provider's warning and the status Save shows.
     */
    public static String[] healthOptions(Target.Line line) {
        String exclusion = line == Target.Line.CURRENT ? "--db-health-exclude-appdb=true"
                : KeycloakServer.quarkusProperty("quarkus.datasource.\"appdb\".health-exclude=true");
        return new String[] {"--metrics-enabled=true", exclusion};
    }

    private static String[] concat(String[] first, String[] second) {
        String[] all = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }

    /** The transaction options of the suite's usual servers (see above). */
    public static String[] transactionOptions(AppDb db) {
        return db == AppDb.POSTGRES
                ? new String[] {"--transaction-xa-enabled=true", "--transaction-xa-enabled-appdb=false"}
                : new String[0];
    }

    /**
     * A fresh realm named after the test class and its target ({@link Target#current()}), on the shared server of the
     * target's configuration.
     */
    public static ItRealm create(Class<?> testClass) {
        Target target = Target.current();
        if (!target.sharedServer()) {
            throw new IllegalStateException(testClass.getSimpleName() + " runs on " + target
                    + ", which has no shared server: it starts its own and uses ItRealm.on");
        }
        return new ItRealm(target.db(), sharedServer(target), realmName(testClass, target));
    }

    /** A fresh realm named after the test class and database, on a server the test class started itself. */
    public static ItRealm on(KeycloakServer server, AppDb db, Class<?> testClass) {
        return new ItRealm(db, server, realmName(db, testClass));
    }

    public static String realmName(AppDb db, Class<?> testClass) {
        return (testClass.getSimpleName() + "_" + db.name()).toLowerCase(Locale.ROOT);
    }

    /** The realm of {@code testClass} on {@code target}: two targets' realms of one class never share a name. */
    public static String realmName(Class<?> testClass, Target target) {
        return (testClass.getSimpleName() + "_" + target.name()).toLowerCase(Locale.ROOT);
    }

    /**
     * The config of a component on the default Litestar-Users names, with the cache policy of the running target
     * ({@link Target#cachePolicy()}), plus {@code overrides}.
     */
    public static Map<String, String> config(String... overrides) {
        Target.CachePolicy cachePolicy = Target.currentCachePolicy();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("cachePolicy", cachePolicy.name());
        if (cachePolicy == Target.CachePolicy.MAX_LIFESPAN) {
            config.put("maxLifespan", "60000");
        }
        for (int i = 0; i + 1 < overrides.length; i += 2) {
            config.put(overrides[i], overrides[i + 1]);
        }
        return config;
    }
}
