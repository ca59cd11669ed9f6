package dev.appusers.keycloak;

import java.util.Map;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * An admin's credential action the provider refuses, in the form the admin REST API answers: 400 with the reason.
 * Keycloak's {@code disable-credential-types} endpoint passes any other exception on as a 500 {@code unknown_error},
 * and a refusal there (removing the app's password) is the admin's to read, not a server error.
 */
final class CredentialRefusal {

    private CredentialRefusal() {
    }

    static RuntimeException of(String reason) {
        return new BadRequestException(reason, Response.status(Response.Status.BAD_REQUEST)
                .entity(Map.of("error", reason, "error_description", reason)).type(MediaType.APPLICATION_JSON_TYPE)
                .build());
    }
}
