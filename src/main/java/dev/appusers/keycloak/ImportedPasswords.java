package dev.appusers.keycloak;

import org.keycloak.component.ComponentModel;
import org.keycloak.credential.CredentialInput;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;

import dev.appusers.keycloak.config.AppUsersConfig;
import dev.appusers.keycloak.config.InvalidConfigException;
import dev.appusers.keycloak.credential.AppHashes;
import dev.appusers.keycloak.credential.CheckedPasswords;
import dev.appusers.keycloak.metrics.ComponentMeters;
import dev.appusers.keycloak.password.CostLimits;
import dev.appusers.keycloak.password.VerificationBusyException;
import dev.appusers.keycloak.sync.ImportedUser;

/**
 * The password check of an imported user whose Keycloak credential still carries the app's hash, done by the user's
 * component, which Keycloak asks before its own password provider: with this component's {@code hashCostLimits} (an
 * {@code app-*} hash provider is realm-wide and is told neither the user nor the component), a refusal logged with
 * the app's user id, and a busy hashing slot answered "try again" ({@link SignInBusy}), which Keycloak's password
 * provider cannot do. The outcome goes to Keycloak's own check through {@link CheckedPasswords}, so Keycloak still
 * decides, counts a wrong password, and re-hashes a right one to the realm's policy, without computing the hash again.
 * Needs nothing from the app database: imported users sign in while it is down.
 */
final class ImportedPasswords {

    private final KeycloakSession session;
    private final ComponentModel model;
    private final AppPasswords passwords;
    private final ComponentMeters meters;

    ImportedPasswords(KeycloakSession session, ComponentModel model, AppPasswords passwords, ComponentMeters meters) {
        this.session = session;
        this.model = model;
        this.passwords = passwords;
        this.meters = meters;
    }

    /**
     * Checks {@code input} against the user's app hash, if its credential still carries one, and records the outcome
     * for Keycloak's own check; a credential Keycloak already re-hashed is left to Keycloak.
     *
     * @return whether the password matches the app hash Keycloak holds; {@code null} when nothing was checked
     * @throws jakarta.ws.rs.WebApplicationException the "try again" answer when no hashing slot came free in time
     */
    Boolean check(UserModel user, CredentialInput input) {
        PasswordCredentialModel credential = user.credentialManager()
                .getStoredCredentialsByTypeStream(PasswordCredentialModel.TYPE).findFirst()
                .map(PasswordCredentialModel::createFromCredentialModel).orElse(null);
        String password = input.getChallengeResponse();
        if (credential == null || password == null || !AppHashes.isAppHash(credential)) {
            return null;
        }
        CostLimits limits;
        try {
            limits = AppUsersConfig.costLimitsOf(model);
        } catch (InvalidConfigException e) {
            return null; // Save refuses it; the hash provider checks with its fallback and logs the setting
        }
        String appId = ImportedUser.appId(user);
        try {
            boolean matches = passwords.verify(appId == null ? user.getId() : appId,
                    credential.getPasswordSecretData().getValue(), password, limits, null, meters);
            CheckedPasswords.record(session, credential.getId(), password, matches);
            return matches;
        } catch (VerificationBusyException e) {
            throw SignInBusy.answer(session);
        }
    }
}
