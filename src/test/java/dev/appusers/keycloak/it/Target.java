package dev.appusers.keycloak.it;

import java.util.Arrays;
import java.util.Locale;

/**
 * Where an integration scenario runs: the app database, the Keycloak line, how Keycloak runs (start-dev or production
 * mode) and the component's cache policy. A scenario names its targets on its class ({@link On}); one suite per Keycloak
 * server ({@code dev.appusers.keycloak.scenarios.*IT}) runs the scenarios of that server's targets, so a server starts
 * once for all of them. Targets that differ only in the cache policy share their server.
 */
public enum Target {

    /** PostgreSQL on the build's Keycloak (start-dev), Keycloak's own database XA and the app's the last resource. */
    POSTGRES(AppDb.POSTGRES, Line.CURRENT, false, CachePolicy.NO_CACHE),
    /** MariaDB on the build's Keycloak (start-dev), Keycloak's default wiring, the provider's meters off. */
    MARIADB(AppDb.MARIADB, Line.CURRENT, false, CachePolicy.NO_CACHE),
    /** {@link #MARIADB}'s server, the component on cache policy DEFAULT. */
    MARIADB_DEFAULT_CACHE(AppDb.MARIADB, Line.CURRENT, false, CachePolicy.DEFAULT),
    /** {@link #MARIADB}'s server, the component on cache policy MAX_LIFESPAN (60 s). */
    MARIADB_MAX_LIFESPAN(AppDb.MARIADB, Line.CURRENT, false, CachePolicy.MAX_LIFESPAN),
    /** PostgreSQL on the previous Keycloak line ({@code keycloak.compat.previous}, 26.5). */
    POSTGRES_PREVIOUS(AppDb.POSTGRES, Line.PREVIOUS, false, CachePolicy.NO_CACHE),
    /** PostgreSQL on the oldest supported Keycloak line ({@code keycloak.compat.oldest}, 26.4). */
    POSTGRES_OLDEST(AppDb.POSTGRES, Line.OLDEST, false, CachePolicy.NO_CACHE),
    /**
     * Keycloak as an operator runs it: production mode ({@code kc.sh build}, then {@code kc.sh start --optimized} with
     * a hostname and plain HTTP), Keycloak's own database on this machine's PostgreSQL, and Keycloak's defaults for
     * transactions: no {@code transaction-xa-*} option, so the app's datasource is XA and Keycloak's own is not (both
     * PostgreSQL servers on their default {@code max_prepared_transactions = 0}). Two more named datasources (another
     * app on MariaDB, and a database user that may read the user table only) are defined. The app database is
     * PostgreSQL.
     */
    PRODUCTION(AppDb.POSTGRES, Line.CURRENT, true, CachePolicy.NO_CACHE),
    /** {@link #PRODUCTION}'s server, the component on cache policy DEFAULT. */
    PRODUCTION_DEFAULT_CACHE(AppDb.POSTGRES, Line.CURRENT, true, CachePolicy.DEFAULT),
    /** Two Keycloak nodes in one cluster ({@link KeycloakCluster}), which the scenarios of this target share. */
    CLUSTER(null, Line.CURRENT, false, null),
    /** A server each scenario class starts itself, with the wiring or datasource it is about. */
    OWN_SERVER(null, Line.CURRENT, false, null);

    /** The tags of the targets, for {@link On} and the suites' {@code @IncludeTags}: the name in lower case, with '-'. */
    public static final class Tags {
        public static final String POSTGRES = "postgres";
        public static final String MARIADB = "mariadb";
        public static final String MARIADB_DEFAULT_CACHE = "mariadb-default-cache";
        public static final String MARIADB_MAX_LIFESPAN = "mariadb-max-lifespan";
        public static final String POSTGRES_PREVIOUS = "postgres-previous";
        public static final String POSTGRES_OLDEST = "postgres-oldest";
        public static final String PRODUCTION = "production";
        public static final String PRODUCTION_DEFAULT_CACHE = "production-default-cache";
        public static final String CLUSTER = "cluster";
        public static final String OWN_SERVER = "own-server";

        private Tags() {
        }
    }

    /**
     * The configuration parameter (a suite's {@code @ConfigurationParameter}) or system property ({@code -Dit.target=})
     * that names the target a scenario runs on.
     */
    public static final String PROPERTY = "it.target";

    private static volatile Target current;

    private final AppDb db;
    private final Line line;
    private final boolean production;
    private final CachePolicy cachePolicy;

    Target(AppDb db, Line line, boolean production, CachePolicy cachePolicy) {
        this.db = db;
        this.line = line;
        this.production = production;
        this.cachePolicy = cachePolicy;
    }

    /** The target the running scenario class was started on ({@link TargetExtension}). */
    public static Target current() {
        Target target = current;
        if (target == null) {
            throw new IllegalStateException("no target: a scenario class runs from a suite or with -D" + PROPERTY
                    + "=<target> and names its targets with dev.appusers.keycloak.it.On");
        }
        return target;
    }

    /** The cache policy of the running target, NO_CACHE outside one. */
    static CachePolicy currentCachePolicy() {
        Target target = current;
        return target == null ? CachePolicy.NO_CACHE : target.cachePolicy();
    }

    static void setCurrent(Target target) {
        current = target;
    }

    /** The target a tag or {@code -Dit.target} value names: {@code mariadb-default-cache} or MARIADB_DEFAULT_CACHE. */
    public static Target of(String name) {
        String normalized = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        return Arrays.stream(values()).filter(t -> t.name().equals(normalized)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no target " + name + "; the targets: "
                        + Arrays.toString(values())));
    }

    /** This target's tag ({@link Tags}). */
    public String tag() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The app database of the shared server's {@code appdb}; the scenarios of CLUSTER and OWN_SERVER choose their own. */
    public AppDb db() {
        if (db == null) {
            throw new IllegalStateException(this + " has no database of its own: its scenario classes choose theirs");
        }
        return db;
    }

    public Line line() {
        return line;
    }

    /** Whether Keycloak runs in production mode ({@link #PRODUCTION}). */
    public boolean production() {
        return production;
    }

    /** The cache policy of the app-users components the scenario adds ({@link ItRealm#config}). */
    public CachePolicy cachePolicy() {
        return cachePolicy == null ? CachePolicy.NO_CACHE : cachePolicy;
    }

    /** Whether the scenarios of this target use the shared server of {@link ItRealm#create(Class)}. */
    public boolean sharedServer() {
        return db != null;
    }

    /** The component's cache policies the suite runs with. */
    public enum CachePolicy {
        NO_CACHE, DEFAULT, MAX_LIFESPAN
    }

    /** The Keycloak distributions the suite runs. */
    public enum Line {
        /** {@code keycloak.version}, the build target. */
        CURRENT("keycloak.version"),
        /** {@code keycloak.compat.previous} (26.5). */
        PREVIOUS("keycloak.compat.previous"),
        /** {@code keycloak.compat.oldest} (26.4). */
        OLDEST("keycloak.compat.oldest");

        private final String property;

        Line(String property) {
            this.property = property;
        }

        /** @return the version the pom gives this line, or null outside Maven (the current home is used) */
        public String version() {
            return System.getProperty(property);
        }
    }
}
