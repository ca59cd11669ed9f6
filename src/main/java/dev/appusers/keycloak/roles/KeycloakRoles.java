package dev.appusers.keycloak.roles;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;
import org.keycloak.models.ClientModel;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.ModelException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleContainerModel;
import org.keycloak.models.RoleModel;

import dev.appusers.keycloak.config.ConfigKeys;
import dev.appusers.keycloak.config.RolesConfig;
import dev.appusers.keycloak.jdbc.AppRole;

/**
 * The Keycloak roles that stand for the app's roles, in the realm or in the client {@code roleClientId}. Roles are
 * created when the component is saved and when a role first appears in a user's mappings, as Keycloak's LDAP role
 * mapper does; roles this component created carry the attribute {@value #COMPONENT_ATTRIBUTE}. A Keycloak role that
 * already existed under an app role's name is used as it is and never changed or removed by the component.
 */
public final class KeycloakRoles {

    public static final String COMPONENT_ATTRIBUTE = "app-users.component";

    private static final Logger LOG = Logger.getLogger(KeycloakRoles.class);

    private final RoleContainerModel container;
    private final String componentId;

    private KeycloakRoles(RoleContainerModel container, String componentId) {
        this.container = container;
        this.componentId = componentId;
    }

    /** @throws ModelException when {@code roleClientId} names no client of the realm */
    public static KeycloakRoles of(RealmModel realm, RolesConfig config, String componentId) {
        RoleContainerModel container = realm;
        if (config.clientId().isPresent()) {
            ClientModel client = realm.getClientByClientId(config.clientId().get());
            if (client == null) {
                throw new ModelException(ConfigKeys.ROLE_CLIENT_ID + ": client " + config.clientId().get()
                        + " not found in realm " + realm.getName());
            }
            container = client;
        }
        return new KeycloakRoles(container, componentId);
    }

    /** The Keycloak roles for a user's app roles, creating the ones Keycloak does not have yet. */
    public Set<RoleModel> rolesFor(Collection<AppRole> appRoles) {
        Set<RoleModel> roles = new LinkedHashSet<>();
        for (AppRole appRole : appRoles) {
            RoleModel role = container.getRole(appRole.name());
            roles.add(role != null ? role : create(appRole));
        }
        return roles;
    }

    /**
     * Brings the container in line with the app's role table: creates missing roles, updates descriptions of roles
     * this component created, and removes those of them the app no longer has, so a renamed or deleted app role
     * does not go on granting access.
     */
    public void synchronise(List<AppRole> appRoles) {
        Set<String> names = appRoles.stream().map(AppRole::name).collect(Collectors.toSet());
        for (AppRole appRole : appRoles) {
            RoleModel role = container.getRole(appRole.name());
            if (role == null) {
                create(appRole);
            } else if (isOwned(role)) {
                if (!Objects.equals(role.getDescription(), appRole.description())) {
                    role.setDescription(appRole.description());
                }
                copyAttributes(appRole, role);
            } else {
                LOG.debugf("Keycloak role %s existed before the app's role of that name; the app's users get it, "
                        + "the component leaves it as it is", appRole.name());
            }
        }
        container.getRolesStream().filter(this::isOwned).filter(role -> !names.contains(role.getName())).toList()
                .forEach(role -> {
                    LOG.infof("Removing Keycloak role %s: the app no longer has a role of that name", role.getName());
                    container.removeRole(role);
                });
    }

    /** Whether the role lives in the container the app's roles go to. */
    public boolean contains(RoleModel role) {
        return role.getContainer() != null && container.getId().equals(role.getContainer().getId());
    }

    /** Whether this component created the role. */
    public boolean isOwned(RoleModel role) {
        return componentId.equals(role.getFirstAttribute(COMPONENT_ATTRIBUTE));
    }

    /** The role's attributes become the app role's mapped columns (plus the component marker). */
    private static void copyAttributes(AppRole appRole, RoleModel role) {
        role.getAttributes().keySet().stream()
                .filter(name -> !name.equals(COMPONENT_ATTRIBUTE) && !appRole.attributes().containsKey(name))
                .toList().forEach(role::removeAttribute);
        appRole.attributes().forEach((name, value) -> {
            if (!List.of(value).equals(role.getAttributes().get(name))) {
                role.setSingleAttribute(name, value);
            }
        });
    }

    private RoleModel create(AppRole appRole) {
        try {
            RoleModel role = container.addRole(appRole.name());
            role.setDescription(appRole.description());
            role.setSingleAttribute(COMPONENT_ATTRIBUTE, componentId);
            copyAttributes(appRole, role);
            LOG.debugf("Created Keycloak role %s for the app's role", appRole.name());
            return role;
        } catch (ModelDuplicateException e) {
            // created meanwhile by a concurrent request or another node
            RoleModel role = container.getRole(appRole.name());
            if (role == null) {
                throw e;
            }
            return role;
        }
    }
}
