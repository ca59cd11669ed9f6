package dev.appusers.keycloak.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs an integration test class on another Keycloak than the suite's usual one: an older supported line, or
 * Keycloak as an operator runs it (production mode, its own database on PostgreSQL, no transaction option). Classes
 * with the same setting share one server; {@code runOrder=alphabetical} keeps them together.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface OnKeycloak {

    /** Which distribution: the build's own, or one of the older lines the pom names. */
    Line line() default Line.CURRENT;

    /**
     * Keycloak as an operator runs it: production mode ({@code kc.sh build}, then {@code kc.sh start --optimized}
     * with a hostname and plain HTTP), Keycloak's own database on this machine's PostgreSQL, and Keycloak's defaults
     * for transactions: no {@code transaction-xa-*} option, so the app's datasource is XA and Keycloak's own is not
     * (both PostgreSQL servers on their default {@code max_prepared_transactions = 0}). Two more named datasources
     * (another app on MariaDB, and a database user that may read the user table only) are defined. The suite's other
     * servers run {@code start-dev} with its embedded database and an explicit transaction wiring.
     */
    boolean production() default false;

    /** The app-users component's cache policy in this class's realm: NO_CACHE, DEFAULT or MAX_LIFESPAN (60 s). */
    String cachePolicy() default NO_CACHE;

    String NO_CACHE = "NO_CACHE";
    String DEFAULT = "DEFAULT";
    String MAX_LIFESPAN = "MAX_LIFESPAN";

    /** The Keycloak distributions the suite runs. */
    enum Line {
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
