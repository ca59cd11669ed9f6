package dev.appusers.keycloak;

import jakarta.ws.rs.core.MultivaluedMap;

import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.AuthenticationFlowException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RequiredActionProviderModel;
import org.keycloak.models.UserModel;

import dev.appusers.keycloak.jdbc.AppDatabase;
import dev.appusers.keycloak.jdbc.SchemaException;
import dev.appusers.keycloak.password.CostLimits;
import dev.appusers.keycloak.password.HashingReservation;
import dev.appusers.keycloak.password.VerificationBusyException;
import dev.appusers.keycloak.store.ComponentMapping;

/**
 * Inserts users created in Keycloak into the app's user table (WRITABLE with syncRegistrations), and deletes users
 * deleted in Keycloak from it (WRITABLE with deleteEnabled). The row starts with
 * a hash of a random password nobody knows (one per component, computed once), so the app's NOT NULL hash column is
 * valid and no one can sign in until Keycloak sets the user's password (in the same transaction when the admin or the
 * registration form gives one).
 *
 * <p>A self-registration (a form posting a password in a browser flow) takes its hashing slot before the user is
 * created, waiting at most as long as hashing a new password waits, among the same bounded waiters as every sign-in:
 * when none comes free it is refused with "busy, try again" and nothing is created; otherwise the password is hashed in
 * that slot a moment later. One instance serves one Keycloak session: {@link #close()} gives the slot back.
 */
final class Registrations implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Registrations.class);
    /** What a self-registration refused for want of a hashing slot shows. */
    static final String BUSY_MESSAGE = "The server is busy; please try again in a moment.";

    private HashingReservation reserved;

    /**
     * Deletes the row of the app user {@code appId} and its user_role rows (WRITABLE with deleteEnabled); otherwise
     * logs why not.
     *
     * @return whether the row was deleted (Keycloak answers "User couldn't be deleted" otherwise and rolls back)
     */
    boolean delete(UserModel user, String appId, String componentName, ComponentMapping mapping,
                   AppDatabase database) {
        if (!mapping.config().writable() || !mapping.config().write().deleteEnabled()) {
            LOG.warnf("User %s was not deleted: deleting it would delete the app's row, which the app-users provider "
                    + "%s does not allow (set editMode WRITABLE and deleteEnabled to allow it)", user.getId(),
                    componentName);
            return false;
        }
        database.write("deleting a user", c -> {
            mapping.writer().delete(c, appId);
            return null;
        });
        mapping.total().forget();
        LOG.debugf("Deleted app user %s (Keycloak user %s) from the app's table", appId, user.getId());
        return true;
    }

    /** The realm's default required actions for a new user, as Keycloak's own {@code addUser} gives them. */
    static void requireDefaultActions(RealmModel realm, UserModel user) {
        realm.getRequiredActionProvidersStream().filter(RequiredActionProviderModel::isEnabled)
                .filter(RequiredActionProviderModel::isDefaultAction).map(RequiredActionProviderModel::getAlias)
                .forEach(user::addRequiredAction);
    }

    /**
     * @return the new row's id
     * @throws AuthenticationFlowException for a self-registration that found no hashing slot in time (shown as
     *     {@link #BUSY_MESSAGE}); nothing was written
     */
    String insert(KeycloakSession session, RealmModel realm, String username, ComponentMapping mapping,
                  AppDatabase database) {
        if (reserved == null && isSelfRegistration(session)) {
            try {
                reserved = CostLimits.forHashing().reserve(mapping.hashing().id(), mapping.hashing().memoryKib());
            } catch (VerificationBusyException e) {
                LOG.warnf("Self-registration refused in realm %s, the server is busy hashing passwords: %s",
                        realm.getName(), e.getMessage());
                throw new AuthenticationFlowException(AuthenticationFlowError.GENERIC_AUTHENTICATION_ERROR,
                        "app-users: no password hashing slot", BUSY_MESSAGE);
            }
        }
        String unusableHash;
        try {
            unusableHash = mapping.unknownUserCost().unusableHash(hashing());
        } catch (VerificationBusyException e) {
            throw new ModelException("The server is busy hashing passwords; please try again in a moment");
        }
        try {
            String id = database.write("inserting a user", c -> mapping.writer().insert(c, username, unusableHash));
            LOG.debugf("Inserted user %s into the app's table for realm %s", id, realm.getName());
            return id;
        } catch (SchemaException e) {
            throw new ModelException(e.getMessage());
        }
    }

    /** @return the limits a new password is hashed in: this session's reserved slot if it holds one */
    CostLimits hashing() {
        return reserved == null ? CostLimits.forHashing() : CostLimits.forHashing().using(reserved);
    }

    /** Whether the session posts a password in a browser flow: a registration form, by Keycloak's or a theme's. */
    private static boolean isSelfRegistration(KeycloakSession session) {
        if (session.getContext().getAuthenticationSession() == null) {
            return false;
        }
        MultivaluedMap<String, String> form = PasswordChecks.formOf(session.getContext());
        String password = form == null ? null : form.getFirst("password");
        return password != null && !password.isEmpty();
    }

    /** Gives back the hashing slot this session reserved, used or not. */
    @Override
    public void close() {
        if (reserved != null) {
            reserved.close();
            reserved = null;
        }
    }
}
