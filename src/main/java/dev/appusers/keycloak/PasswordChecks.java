package dev.appusers.keycloak;

import jakarta.ws.rs.core.MultivaluedMap;

import org.keycloak.http.HttpRequest;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Tells the requests in which a known user's sign-in computes a hash of the typed password, so that an unknown
 * username pays its stand-in there ({@link dev.appusers.keycloak.password.UnknownUserCost}) and nowhere else: a
 * lookup that costs a known user no hash (the username step of an identity-first login, "forgot password", a
 * registration's duplicate check) must not cost an unknown one more either, or the difference tells which accounts
 * exist.
 *
 * <p>Decided by what Keycloak runs, not by what the client sends where Keycloak would ignore it: the token endpoint's
 * password grant (Keycloak checks any {@code password} given, an empty one too), and the browser step Keycloak is
 * processing, read from the authentication session ({@code current.authentication.execution}, which Keycloak 26.4 to
 * 26.7 checks against the posted execution before running it): its username and password form with a non-empty
 * password (an empty one is refused before any check).
 */
final class PasswordChecks {

    private static final String TOKEN_ENDPOINT = "/protocol/openid-connect/token";
    /** Keycloak's {@code AuthenticationProcessor.CURRENT_AUTHENTICATION_EXECUTION} (server side, not in the SPI). */
    private static final String CURRENT_EXECUTION = "current.authentication.execution";
    /** Keycloak's username and password form ({@code UsernamePasswordFormFactory.PROVIDER_ID}). */
    static final String USERNAME_PASSWORD_FORM = "auth-username-password-form";
    private static final String PASSWORD = "password";

    private PasswordChecks() {
    }

    /** Whether the session serves a request in which a known user's password is hashed and compared. */
    static boolean hashesThePassword(KeycloakSession session) {
        KeycloakContext context = session.getContext();
        MultivaluedMap<String, String> form = formOf(context);
        if (form == null) {
            return false; // no HTTP request behind this session (background task)
        }
        if (isTokenEndpoint(context)) {
            return PASSWORD.equals(form.getFirst("grant_type")) && form.getFirst(PASSWORD) != null;
        }
        String password = form.getFirst(PASSWORD);
        return password != null && !password.isEmpty()
                && USERNAME_PASSWORD_FORM.equals(currentAuthenticator(context));
    }

    /** The provider id of the step of a browser flow Keycloak is processing, or null. */
    static String currentAuthenticator(KeycloakContext context) {
        AuthenticationSessionModel authentication = context.getAuthenticationSession();
        RealmModel realm = context.getRealm();
        String execution = authentication == null ? null : authentication.getAuthNote(CURRENT_EXECUTION);
        AuthenticationExecutionModel step = execution == null || realm == null ? null
                : realm.getAuthenticationExecutionById(execution);
        return step == null ? null : step.getAuthenticator();
    }

    private static boolean isTokenEndpoint(KeycloakContext context) {
        try {
            return context.getUri() != null && context.getUri().getPath().endsWith(TOKEN_ENDPOINT);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The request's decoded form parameters (empty for other requests), or null without an HTTP request. */
    static MultivaluedMap<String, String> formOf(KeycloakContext context) {
        try {
            HttpRequest request = context.getHttpRequest();
            return request == null ? null : request.getDecodedFormParameters();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
