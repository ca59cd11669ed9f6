package dev.appusers.keycloak;

import java.util.Map;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.keycloak.models.ModelException;

/**
 * An admin's or a user's credential action the provider refuses, in the form Keycloak shows its reason.
 */
final class CredentialRefusal {

    private CredentialRefusal() {
    }

    /**
     * A refusal on the admin REST API: 400 with the reason. Keycloak's {@code disable-credential-types} endpoint passes
     * any other exception on as a 500 {@code unknown_error}, and a refusal there (removing the app's password) is the
     * admin's to read, not a server error.
     */
    static RuntimeException of(String reason) {
        return new BadRequestException(reason, Response.status(Response.Status.BAD_REQUEST)
                .entity(Map.of("error", reason, "error_description", reason)).type(MediaType.APPLICATION_JSON_TYPE)
                .build());
    }

    /**
     * A new password the app's tables do not take. A plain {@link ModelException}, not a
     * {@link org.keycloak.storage.ReadOnlyException}: the admin API's {@code reset-password} (Keycloak 26.4 to 26.7)
     * answers a {@code ReadOnlyException} with its own fixed words ("Can't reset password as account is read only")
     * but any other {@code ModelException} with 400 and the exception's message, so the admin reads which setting
     * refuses; Keycloak's pages (the update-password form) show either kind's message alike. Keycloak passes the
     * message through {@link java.text.MessageFormat}: no apostrophes or braces in it.
     */
    static ModelException passwordChange(boolean writable) {
        return new ModelException(writable
                ? "This user has no password in the app: the app-users provider maps no password column "
                        + "(passwordHashColumn is empty)"
                : "The password of this user is managed by the app (app-users provider, editMode READ_ONLY): "
                        + "change it in the app");
    }
}
