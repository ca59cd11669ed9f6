package dev.appusers.keycloak.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The app database the outage-form scenarios take away: a database and a login of its own, which the shared servers
 * of {@link Target#MARIADB} and {@link Target#PRODUCTION} (PostgreSQL) reach as the named datasource {@value #NAME}
 * through a {@link TcpProxy} that can cut, refuse and restore it. The datasource is left out of Keycloak's readiness,
 * as the README's install steps leave an app datasource, so that an outage of it never makes the server unready for
 * the suite's other scenarios; their {@code appdb} is not touched. One proxy per database kind and suite JVM: the
 * server's options hold its port. The scenario creates the database and the login; Keycloak connects only when a
 * component on {@value #NAME} asks it to.
 */
public final class OutageDatasource {

    /** The named datasource of the outage forms' components. */
    public static final String NAME = "outagedb";
    /** The dedicated database, and the login Keycloak's {@value #NAME} datasource uses (also the role's name). */
    public static final String DATABASE = AppDb.database("appusers_outage");
    public static final String LOGIN = DATABASE;
    public static final String LOGIN_PASSWORD = "Outage-Login-Pw-1";

    private static final Map<AppDb, TcpProxy> PROXIES = new EnumMap<>(AppDb.class);

    private OutageDatasource() {
    }

    /** The proxy between the server's {@value #NAME} datasource and {@code db}, started at its first use. */
    public static synchronized TcpProxy proxy(AppDb db) {
        return PROXIES.computeIfAbsent(db, kind -> {
            try {
                return new TcpProxy(kind.server().getHost(), kind.server().getPort(), kind == AppDb.POSTGRES);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * The server options that declare {@value #NAME} on {@code db}, with Keycloak's pool defaults, what an operator
     * gets; {@code -Dit.outage.poolValidation=true} adds the validate-on-borrow lines older READMEs advised, to
     * compare the forms with them.
     */
    static String[] options(AppDb db) {
        String url = db.urlThrough(proxy(db), DATABASE);
        List<String> options = new ArrayList<>(List.of(
                "--db-kind-" + NAME + "=" + db.kind,
                "--db-url-full-" + NAME + "=" + url,
                "--db-username-" + NAME + "=" + LOGIN,
                "--db-password-" + NAME + "=" + LOGIN_PASSWORD,
                "--db-health-exclude-" + NAME + "=true"));
        if (Boolean.getBoolean("it.outage.poolValidation")) {
            options.add(KeycloakServer.quarkusProperty("quarkus.datasource.\"" + NAME + "\".jdbc.validate-on-borrow=true"));
            options.add(KeycloakServer.quarkusProperty(
                    "quarkus.datasource.\"" + NAME + "\".jdbc.background-validation-interval=10S"));
        }
        return options.toArray(String[]::new);
    }
}
