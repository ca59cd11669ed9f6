package dev.appusers.keycloak;

import java.util.function.Supplier;

import org.keycloak.models.KeycloakSession;

import dev.appusers.keycloak.metrics.ComponentMeters;
import dev.appusers.keycloak.password.UnknownUserCost;
import dev.appusers.keycloak.password.VerificationBusyException;

/**
 * A login that names no app user, where a known user's password would be hashed ({@link PasswordChecks}), pays a
 * stand-in for that verification, once per request of one provider: see {@link UnknownUserCost}. Refused as busy, it
 * is answered as a busy verification of a known user is: "try again" ({@link SignInBusy}), never counted as a
 * failure.
 */
final class UnknownUserLogins {

    private final KeycloakSession session;
    private final ComponentMeters meters;
    private boolean paid;

    UnknownUserLogins(KeycloakSession session, ComponentMeters meters) {
        this.session = session;
        this.meters = meters;
    }

    /** @return {@code found}, after the stand-in was paid when it is null at a login */
    <T> T unlessUnknown(T found, Supplier<UnknownUserCost> cost) {
        if (found == null && !paid && PasswordChecks.hashesThePassword(session)) {
            paid = true;
            try {
                meters.unknownUserWait(cost.get().pay());
            } catch (VerificationBusyException e) {
                meters.unknownUserWait(-1);
                throw SignInBusy.answer(session);
            }
        }
        return found;
    }
}
