package dev.appusers.keycloak;

/**
 * What the provider shows users, for the scenarios outside this package (the provider's classes here are
 * package-private).
 */
public final class ProviderTexts {

    /** The registration form's answer when no password hashing slot is free ({@link Registrations}). */
    public static final String REGISTRATION_BUSY = Registrations.BUSY_MESSAGE;

    private ProviderTexts() {
    }
}
