package dev.appusers.keycloak;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import org.jboss.logging.Logger;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.representations.userprofile.config.UPAttribute;
import org.keycloak.representations.userprofile.config.UPAttributePermissions;
import org.keycloak.representations.userprofile.config.UPConfig;
import org.keycloak.userprofile.UserProfileProvider;

import dev.appusers.keycloak.store.MappedFields;

/**
 * What users imported by a component need in the realm's own user profile to stay usable once they are unlinked
 * (docs/migration.md, "The migration, step by step"). While linked, the component's {@link AppUserProfile} decorator
 * declares their mapped attributes and waives first and last name for them; Keycloak asks that decorator only for users
 * with a federation link, so after *Unlink users* only the realm's profile applies: undeclared attributes are hidden
 * from the admin, and a required first or last name the app never had sends every such user to "update profile" (a
 * direct grant fails with "Account is not fully set up").
 *
 * <p>Keycloak's unlink ({@code POST .../user-storage/{id}/unlink-users}) calls no provider and records no admin
 * event, so the provider makes these declarations when it imports users (each sync in import mode), before any
 * unlink can happen. It only adds: a mapped attribute the realm does not declare is declared with the permissions
 * Keycloak's LDAP federation gives mapped attributes (admins view and edit, as
 * {@code UserProfileUtil.createAttributeMetadata}); first and last name lose their {@code required} when the
 * component maps no column to them, and keep everything else (permissions, validators, annotations). A declaration
 * the realm already has is left as it is, and a profile that already holds all this is not written.
 */
final class UserProfileDeclarations {

    private static final Logger LOG = Logger.getLogger(UserProfileDeclarations.class);
    private static final Set<String> ADMIN = Set.of("admin");

    /** What {@link #addTo} changed: attributes declared, and first/last name whose requirement was waived. */
    record Added(List<String> declared, List<String> waived) {

        boolean any() {
            return !declared.isEmpty() || !waived.isEmpty();
        }

        String describe() {
            List<String> parts = new ArrayList<>();
            if (!declared.isEmpty()) {
                parts.add("declared " + String.join(", ", declared) + " (admins view and edit)");
            }
            if (!waived.isEmpty()) {
                parts.add("made " + String.join(" and ", waived) + " optional (no column maps "
                        + (waived.size() == 1 ? "it" : "them") + ")");
            }
            return String.join("; ", parts);
        }
    }

    private UserProfileDeclarations() {
    }

    /** Adds to {@code config} what the component's users need once unlinked; returns what it changed. */
    static Added addTo(UPConfig config, MappedFields mapped) {
        List<String> declared = new ArrayList<>();
        for (String name : mapped.attributes().keySet()) {
            if (config.getAttribute(name) == null) {
                config.addOrReplaceAttribute(new UPAttribute(name, new UPAttributePermissions(ADMIN, ADMIN)));
                declared.add(name);
            }
        }
        List<String> waived = new ArrayList<>();
        for (String name : List.of(UserModel.FIRST_NAME, UserModel.LAST_NAME)) {
            UPAttribute attribute = config.getAttribute(name);
            if (!mapped.maps(name) && attribute != null && attribute.getRequired() != null) {
                attribute.setRequired(null);
                waived.add(name);
            }
        }
        return new Added(List.copyOf(declared), List.copyOf(waived));
    }

    /**
     * Makes the declarations in the realm {@code realmId} for the import-mode component {@code model}, in a
     * transaction of its own, with one INFO line saying what was added (nothing is logged when the profile already
     * has it). A refusal (Keycloak's validation of the profile, the app database unreadable) is logged as a warning
     * naming what the admin should declare, and does not stop the sync.
     */
    static void declareForImport(KeycloakSessionFactory factory, String realmId, ComponentModel model,
                                 Function<KeycloakSession, MappedFields> mapped) {
        try {
            KeycloakModelUtils.runJobInTransaction(factory, session -> {
                RealmModel realm = session.realms().getRealm(realmId);
                session.getContext().setRealm(realm);
                declareIn(session, realm, model.getName(), mapped.apply(session));
            });
        } catch (RuntimeException e) {
            LOG.warnf("The user profile of the realm was not updated for the users %s imports: %s. Once they are "
                    + "unlinked, they need its mapped attributes declared and first and last name optional unless "
                    + "mapped (Realm settings, User profile)", model.getName(), e.getMessage());
        }
    }

    static Added declareIn(KeycloakSession session, RealmModel realm, String componentName, MappedFields mapped) {
        UserProfileProvider profiles = session.getProvider(UserProfileProvider.class);
        UPConfig config = profiles.getConfiguration().clone();
        Added added = addTo(config, mapped);
        if (added.any()) {
            profiles.setConfiguration(config);
            LOG.infof("User profile of realm %s: %s, for the users %s imports, so that they keep them once unlinked",
                    realm.getName(), added.describe(), componentName);
        } else {
            LOG.debugf("User profile of realm %s already declares what the users %s imports need", realm.getName(),
                    componentName);
        }
        return added;
    }
}
