package dev.appusers.keycloak.password;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * How many worker threads Keycloak answers HTTP requests with: its option {@code http-pool-max-threads}, which Keycloak
 * maps to Quarkus' {@code quarkus.thread-pool.max-threads} (default: the greater of 4 per processor and 50, on
 * Keycloak 26.4 to 26.7). Every hash computation, and every wait for one, holds one of these threads, so the
 * limiter's bounds are derived from this number rather than from the processors alone.
 */
final class WorkerThreads {

    private static final Logger LOG = Logger.getLogger(WorkerThreads.class);

    /** The Quarkus property Keycloak's {@code http-pool-max-threads} sets, readable through MicroProfile Config. */
    static final String PROPERTY = "quarkus.thread-pool.max-threads";

    private WorkerThreads() {
    }

    /** Keycloak's default when {@code http-pool-max-threads} is not set. */
    static int keycloakDefault(int processors) {
        return Math.max(4 * Math.max(1, processors), 50);
    }

    /**
     * The server's worker pool as configured, or Keycloak's default for this machine's processors when it cannot be
     * read (outside Keycloak, in unit tests).
     *
     * @return the number, and where it came from (for the log)
     */
    static Pool ofThisServer() {
        int processors = Runtime.getRuntime().availableProcessors();
        try {
            Integer configured = ConfigProvider.getConfig().getOptionalValue(PROPERTY, Integer.class).orElse(null);
            if (configured != null && configured > 0) {
                return new Pool(configured, PROPERTY + " (http-pool-max-threads)");
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.debugf("%s not readable (%s): Keycloak's default assumed", PROPERTY, e.getClass().getSimpleName());
        }
        return new Pool(keycloakDefault(processors), "Keycloak's default for " + processors + " processors");
    }

    /** A worker pool's size and where it was read. */
    record Pool(int threads, String source) {
    }
}
