package dev.appusers.keycloak;

import java.security.SecureRandom;
import java.util.Base64;

import org.jboss.logging.Logger;

import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;

import dev.appusers.keycloak.password.CostLimits;
import dev.appusers.keycloak.password.HashingScheme;
import dev.appusers.keycloak.password.VerificationBusyException;

/**
 * Makes "no such user" cost what "wrong password" costs. Keycloak's authenticators already pay one hash of the realm's
 * own algorithm for an unknown username, but the app's hashes (Litestar-Users: argon2id with 100 MiB) usually cost
 * several times more, so without this an attacker could tell which emails have accounts by timing a failed login.
 * When a login looks up a username or email the app does not have, one verification against a throw-away hash in the
 * component's configured scheme and parameters ({@code passwordHashScheme}, {@code passwordHashParameters}) is paid.
 * Lookups outside a login (admin console, registration checks by admins) pay nothing. A known user whose hash is
 * malformed, of an unknown scheme or over a cost ceiling pays it too.
 */
final class UnknownUserCost {

    private static final Logger LOG = Logger.getLogger(UnknownUserCost.class);
    private static final String TOKEN_ENDPOINT = "/protocol/openid-connect/token";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HashingScheme scheme;
    private final CostLimits limits;
    private volatile String dummyHash;

    /** @param limits the component's ceilings, which the configuration checked the scheme against */
    UnknownUserCost(HashingScheme scheme, CostLimits limits) {
        this.scheme = scheme;
        // a slot only if one is free at once: under a flood of unknown usernames nothing waits, and the dummy
        // verifications cannot keep every processor busy for the requests Keycloak must still answer
        this.limits = limits.withoutWaiting();
    }

    /**
     * One verification that cannot succeed, as long as a real user's wrong password takes in this scheme; also paid
     * for a user whose hash cannot be checked (see {@link AppPasswords}). It takes a slot of the shared hashing
     * limiter like any verification; when none comes free in time, nothing is paid.
     */
    void pay() {
        try {
            String hash = dummyHash;
            if (hash == null) {
                hash = scheme.hash(randomText());
                dummyHash = hash;
            }
            scheme.verify(randomText(), hash, limits);
            LOG.debugf("Login without a checkable hash: paid one %s verification", scheme.id());
        } catch (VerificationBusyException e) {
            LOG.debugf("Login without a checkable hash: not paid, %s", e.getMessage());
        }
    }

    /** Whether the session serves a login: a browser flow (authentication session) or a token request. */
    static boolean isLogin(KeycloakSession session) {
        KeycloakContext context = session.getContext();
        if (context.getAuthenticationSession() != null) {
            return true;
        }
        try {
            return context.getUri() != null && context.getUri().getPath().endsWith(TOKEN_ENDPOINT);
        } catch (RuntimeException e) {
            return false; // no HTTP request behind this session (background task)
        }
    }

    private static String randomText() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }
}
