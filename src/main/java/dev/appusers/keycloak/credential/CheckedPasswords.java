package dev.appusers.keycloak.credential;

import java.util.Optional;

import org.keycloak.models.KeycloakSession;

/**
 * Hands the outcome of checking an imported app hash from the component that checked it to Keycloak's own password
 * check later in the same request. Keycloak asks the user's {@code app-users} component first (it knows the user, its
 * {@code hashCostLimits}, and can answer "try again" when the hashing slots are busy, which Keycloak's password
 * provider cannot: it turns any exception of a hash provider into a wrong password). The component then answers
 * "not validated by me", and Keycloak's password provider asks the {@code app-*} hash provider, which takes the
 * outcome from here instead of computing the hash a second time; on a match Keycloak re-hashes the password to the
 * realm's policy as for any password. Kept in the Keycloak session: gone when the request ends.
 */
public final class CheckedPasswords {

    private static final String PREFIX = "app-users.checked-password.";

    private record Checked(String password, boolean matches) {
        @Override
        public String toString() {
            return "Checked{matches=" + matches + "}"; // never the password
        }
    }

    private CheckedPasswords() {
    }

    /** Records that {@code password} does or does not match the credential {@code credentialId}. */
    public static void record(KeycloakSession session, String credentialId, String password, boolean matches) {
        session.setAttribute(PREFIX + credentialId, new Checked(password, matches));
    }

    /**
     * The recorded outcome for this credential and this very password, removed once taken; empty when none was
     * recorded in this session (a user no component checks first: unlinked from its component).
     */
    static Optional<Boolean> take(KeycloakSession session, String credentialId, String password) {
        if (session == null || credentialId == null) {
            return Optional.empty();
        }
        Object checked = session.removeAttribute(PREFIX + credentialId);
        return checked instanceof Checked c && c.password().equals(password) ? Optional.of(c.matches())
                : Optional.empty();
    }
}
