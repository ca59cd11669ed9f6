package dev.appusers.keycloak;

import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.keycloak.models.UserModel;

/**
 * The right password of a user the app disabled after Keycloak cached it: Keycloak's answer is "Account disabled", not
 * "Invalid user credentials", and it is no brute-force failure. Keycloak (26.4 to 26.7) checks "enabled" on its cached
 * copy, and a cache hit never asks the provider, so only the password check sees the row (it evicts the copy first,
 * {@link CachedCopy}). Where Keycloak checks "enabled" again after the password, the password is answered as it is
 * and Keycloak's own check refuses on the evicted copy, as Keycloak's LDAP federation answers a bind Active Directory
 * refuses for a disabled account (error 533); where it does not, Keycloak's own answer is given; anywhere else the
 * password is refused, as before.
 */
final class AccountDisabled {

    private static final Logger LOG = Logger.getLogger(AccountDisabled.class);
    private static final StackWalker STACK = StackWalker.getInstance();

    /** Keycloak's username and password form: {@code validatePassword}, then {@code enabledUser} on the same copy. */
    private static final String FORM = "org.keycloak.authentication.authenticators.browser"
            + ".AbstractUsernameFormAuthenticator#validateUserAndPassword";
    /** The direct grant's password step: success issues tokens, "enabled" was checked before it. */
    private static final String DIRECT_GRANT = "org.keycloak.authentication.authenticators.directgrant"
            + ".ValidatePassword#authenticate";

    private AccountDisabled() {
    }

    /**
     * @param copy Keycloak's copy of the user, evicted: it answers from the row now
     * @return whether to answer the password as right (Keycloak's check of "enabled" follows and refuses)
     * @throws BadRequestException the direct grant's answer to a disabled user, in Keycloak's words
     */
    static boolean answer(UserModel copy) {
        if (copy.isEnabled()) {
            return false; // Keycloak's copy did not follow the row: refuse, never let the password through
        }
        Optional<String> caller = STACK.walk(frames -> frames.map(f -> f.getClassName() + "#" + f.getMethodName())
                .filter(frame -> frame.equals(FORM) || frame.equals(DIRECT_GRANT)).findFirst());
        if (caller.isEmpty()) {
            return false;
        }
        LOG.debugf("User %s, disabled in the app since Keycloak cached it: answered 'Account disabled'", copy.getId());
        if (caller.get().equals(FORM)) {
            return true;
        }
        throw new BadRequestException("Account disabled", Response.status(Response.Status.BAD_REQUEST)
                .entity(Map.of("error", "invalid_grant", "error_description", "Account disabled"))
                .type(MediaType.APPLICATION_JSON_TYPE).build());
    }
}
