package dev.appusers.keycloak.jdbc;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.CDI;

import io.quarkus.datasource.runtime.DataSourceSupport;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Whether Keycloak's readiness follows an app database. With health enabled, Keycloak's readiness check ("Keycloak
 * database connections async health check") opens a connection on every datasource Quarkus does not leave out, so an
 * app database that refuses connections turns {@code /health/ready} into 503 DOWN, and a Kubernetes readiness probe
 * takes every Keycloak pod out of service, local users and the admin console included, although the provider itself
 * only reports the app's users unavailable. Leaving the datasource out is the server's setting, not the component's:
 * the provider reads what Keycloak runs with, warns once per datasource and node, and shows it on Save.
 */
public final class ReadinessWiring {

    private static final Logger LOG = Logger.getLogger(ReadinessWiring.class);

    /** What one Keycloak runs with: health on or off, the datasources its readiness check leaves out (if known). */
    public record Server(boolean healthEnabled, Optional<Set<String>> excluded, boolean hasExcludeOption) {
    }

    /** The component's read-only status line, and whether readiness follows the datasource. */
    public record Status(boolean followsAppDatabase, String text) {
    }

    private static final String FOLLOWS = "follows the app database: ";

    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /** The status of {@code datasource} on this Keycloak, with one WARN per datasource and node where it is a problem. */
    public Status check(String datasource) {
        Status status = status(datasource, running());
        if (status.followsAppDatabase() && warned.add(datasource)) {
            LOG.warn(warning(datasource, status));
        }
        return status;
    }

    /** The log line for a datasource Keycloak's readiness follows: the status without its first words. */
    static String warning(String datasource, Status status) {
        return "Keycloak's readiness follows the app database (datasource " + datasource + "): "
                + status.text().substring(FOLLOWS.length());
    }

    /** What {@code server} means for {@code datasource}, in the words the admin form shows. */
    public static Status status(String datasource, Server server) {
        if (!server.healthEnabled()) {
            return new Status(false, "no readiness check: Keycloak runs without health endpoints (health-enabled "
                    + "is false)");
        }
        if (server.excluded().isEmpty()) {
            return new Status(false, "unknown: Keycloak did not say which datasources its readiness check covers; "
                    + "make sure " + fix(datasource, server.hasExcludeOption()));
        }
        if (server.excluded().get().contains(datasource)) {
            return new Status(false, "independent of the app database: datasource " + datasource + " is left out "
                    + "of Keycloak's readiness check; its outages show in this provider's log and the datasource's "
                    + "pool meters, and Keycloak stays ready for its local users");
        }
        return new Status(true, FOLLOWS + "while datasource " + datasource + " is unreachable, "
                + "Keycloak's /health/ready answers 503 DOWN and a Kubernetes readiness probe takes every Keycloak pod "
                + "out of service, local users included. Set " + fix(datasource, server.hasExcludeOption())
                + ", and restart (README, Install)");
    }

    /** The setting that leaves {@code datasource} out: an option since Keycloak 26.7, a Quarkus property before. */
    static String fix(String datasource, boolean hasExcludeOption) {
        if (hasExcludeOption) {
            return "db-health-exclude-" + datasource + "=true (kc.sh build --db-health-exclude-" + datasource
                    + "=true, or KC_DB_HEALTH_EXCLUDE_" + datasource.toUpperCase(java.util.Locale.ROOT).replace('-', '_')
                    + "=true; a build option)";
        }
        return "the line quarkus.datasource.\"" + datasource + "\".health-exclude=true in conf/quarkus.properties "
                + "(this Keycloak has no db-health-exclude option)";
    }

    /** What this Keycloak runs with, read from its configuration and from Quarkus's own datasource support. */
    public static Server running() {
        return new Server(healthEnabled(), excludedFromHealthChecks(), hasExcludeOption());
    }

    private static boolean healthEnabled() {
        try {
            return ConfigProvider.getConfig().getOptionalValue("kc.health-enabled", Boolean.class).orElse(false);
        } catch (RuntimeException | LinkageError e) {
            LOG.debugf(e, "health-enabled could not be read");
            return false;
        }
    }

    /**
     * The datasources Quarkus's datasource health check leaves out, which Keycloak's readiness check calls: what the
     * built server does, whether the option or a {@code quarkus.properties} line asked for it.
     */
    private static Optional<Set<String>> excludedFromHealthChecks() {
        try {
            Instance<DataSourceSupport> support = CDI.current().select(DataSourceSupport.class);
            if (support.isResolvable()) {
                return Optional.of(Set.copyOf(support.get().getHealthCheckExcludedNames()));
            }
            LOG.debugf("Quarkus's DataSourceSupport is not available");
        } catch (RuntimeException | LinkageError e) {
            LOG.debugf(e, "The datasources left out of health checks could not be read");
        }
        return Optional.empty();
    }

    /** Keycloak 26.7 has the option {@code db-health-exclude-<datasource>}; 26.4 and 26.5 do not. */
    private static boolean hasExcludeOption() {
        try {
            Class.forName("org.keycloak.config.DatabaseOptions").getField("DB_HEALTH_EXCLUDE");
            return true;
        } catch (ReflectiveOperationException | LinkageError e) {
            return false;
        }
    }
}
