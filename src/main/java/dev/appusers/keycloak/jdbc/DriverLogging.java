package dev.appusers.keycloak.jdbc;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The MariaDB driver echoes every error the server sends at WARN ({@code org.mariadb.jdbc.message.server.ErrorPacket}),
 * and a server's error text can carry a row's value ("Duplicate entry 'alice@example.com' for key 'email'"). The
 * provider reports each failure itself, without the value (see {@link DatabaseErrors}); so unless the operator set
 * that logger's level, it is raised to ERROR, which the driver never uses for these lines.
 */
public final class DriverLogging {

    static final String MARIADB_SERVER_ERRORS = "org.mariadb.jdbc.message.server.ErrorPacket";
    /** Held, so the level set here is not lost with a weakly held logger. */
    private static volatile Logger quieted;

    private DriverLogging() {
    }

    /** Quiets the driver's echo of server errors, unless the operator configured that logger. */
    public static void quietServerErrorEcho() {
        Logger logger = Logger.getLogger(MARIADB_SERVER_ERRORS);
        if (logger.getLevel() == null) {
            logger.setLevel(Level.SEVERE);
            quieted = logger;
            org.jboss.logging.Logger.getLogger(DriverLogging.class).debugf(
                    "Logger %s set to ERROR: the app-users provider reports database errors without row data",
                    MARIADB_SERVER_ERRORS);
        }
    }
}
