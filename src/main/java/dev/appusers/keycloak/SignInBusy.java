package dev.appusers.keycloak;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.representations.idm.OAuth2ErrorRepresentation;

/**
 * The answer to a sign-in whose password could not be checked because every password hashing slot stayed busy: a
 * temporary failure the user is told to retry, never "Invalid user credentials", and never a failure Keycloak's
 * brute-force detection counts. Keycloak 26.4 to 26.7 count a failure only when an authenticator reports one
 * ({@code AuthenticationProcessor.logFailure}); an exception thrown from the credential check skips that. A
 * {@link WebApplicationException} with a response is answered as it is: the login pages' endpoint returns it
 * ({@code LoginActionsService} catches it before its generic error page), and the token endpoint's direct grant lets
 * it through to JAX-RS, which uses a response that has an entity without Keycloak's error mapper. So the token
 * endpoint (direct grant) answers {@code 503 temporarily_unavailable} in JSON, and any other sign-in (the login
 * pages) Keycloak's error page with the message, status 503; both carry {@code Retry-After}.
 */
final class SignInBusy {

    /** What the user reads (no apostrophe: Keycloak's pages format messages with {@code MessageFormat}). */
    static final String MESSAGE = "The server is busy checking passwords. Please try again in a moment.";
    /** The OAuth error code of the JSON answer. */
    static final String ERROR = "temporarily_unavailable";
    private static final String TOKEN_ENDPOINT = "/protocol/openid-connect/token";
    /** Seconds a client is asked to wait: about one slot wait. */
    static final int RETRY_AFTER_SECONDS = 5;

    private SignInBusy() {
    }

    /** @return the exception to throw from the credential check of this request */
    static WebApplicationException answer(KeycloakSession session) {
        Response response;
        if (!isTokenRequest(session)) {
            Response page = session.getProvider(LoginFormsProvider.class)
                    .setAuthenticationSession(session.getContext().getAuthenticationSession())
                    .setError(MESSAGE).createErrorPage(Response.Status.SERVICE_UNAVAILABLE);
            response = Response.fromResponse(page).header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS).build();
        } else {
            response = Response.status(Response.Status.SERVICE_UNAVAILABLE)
                    .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new OAuth2ErrorRepresentation(ERROR, MESSAGE)).build();
        }
        return new WebApplicationException(MESSAGE, response);
    }

    private static boolean isTokenRequest(KeycloakSession session) {
        try {
            return session.getContext().getUri() != null
                    && session.getContext().getUri().getPath().endsWith(TOKEN_ENDPOINT);
        } catch (RuntimeException e) {
            return false;
        }
    }
}
