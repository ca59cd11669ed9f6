package dev.appusers.keycloak.credential;

import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.sessions.AuthenticationSessionModel;

import dev.appusers.keycloak.metrics.AppUsersMeters;
import dev.appusers.keycloak.metrics.ComponentMeters;

/**
 * The meters a check of an imported app hash records in: those of the component the signing-in user was imported by.
 * Keycloak hands a password hash provider the credential only, so the user is the one the sign-in's authentication
 * session names (set before the password is checked, in the browser and the password-grant flows); a check with no
 * such user, or of a user no app-users component imported, is not recorded.
 */
final class ImportedHashMeters {

    private ImportedHashMeters() {
    }

    static ComponentMeters of(KeycloakSession session) {
        if (session == null || !AppUsersMeters.server().on()) {
            return ComponentMeters.NONE;
        }
        RealmModel realm = session.getContext().getRealm();
        AuthenticationSessionModel authentication = session.getContext().getAuthenticationSession();
        UserModel user = authentication == null ? null : authentication.getAuthenticatedUser();
        String componentId = user == null ? null : user.getFederationLink();
        ComponentModel component = realm == null || componentId == null ? null : realm.getComponent(componentId);
        return component == null ? ComponentMeters.NONE
                : AppUsersMeters.server().of(realm.getName(), component.getId(), component.getName());
    }
}
