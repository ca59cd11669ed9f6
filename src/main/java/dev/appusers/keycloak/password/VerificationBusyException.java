package dev.appusers.keycloak.password;

/**
 * Thrown when a hash computation could not start within its bounded wait: every slot of the shared limiter (or the
 * memory budget) stayed taken, or too many callers were already waiting. Nothing has been computed.
 */
public final class VerificationBusyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param problem what was busy and for how long it was waited for */
    public VerificationBusyException(String problem) {
        super(problem, null, false, false);
    }
}
