package dev.appusers.keycloak.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;

import org.jboss.logging.Logger;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;

import dev.appusers.keycloak.password.SlotEvents;

/**
 * The provider's meters on this node: one {@link ComponentMeters} per app-users component (tags {@code realm} and
 * {@code component}, the realm's and the component's names), and the server-wide hashing-slot meters. They go to
 * Micrometer's global registry, which Quarkus fills with Keycloak's Prometheus registry when Keycloak runs with
 * {@code --metrics-enabled=true}; without it the global registry holds no registry, and then nothing is registered
 * and every component gets {@link ComponentMeters#NONE}. A component's meters are replaced when its or its realm's
 * name changes and removed when it is deleted, so no series is left behind or duplicated.
 */
public final class AppUsersMeters {

    private static final Logger LOG = Logger.getLogger(AppUsersMeters.class);
    private static final AppUsersMeters SERVER = new AppUsersMeters(null);

    /** The registry given (tests), or null: Micrometer's global one, once Quarkus added a registry to it. */
    private final MeterRegistry given;
    private final Map<String, RegisteredMeters> byComponent = new ConcurrentHashMap<>();
    private volatile MeterRegistry registry;
    /** Whether the operator switched the provider's meters off ({@link #switchOff}): Keycloak's own stay. */
    private volatile boolean switchedOff;

    AppUsersMeters(MeterRegistry given) {
        this.given = given;
    }

    /** @return the meters of this Keycloak node */
    public static AppUsersMeters server() {
        return SERVER;
    }

    /**
     * The operator set {@value #OPTION}{@code =false}: the provider registers and records nothing, whether or not
     * Keycloak runs with metrics. Components that already have meters keep them until the next restart.
     */
    public void switchOff() {
        switchedOff = true;
        LOG.infof("The app-users provider's meters are off (%s=false); Keycloak's own meters are not affected", OPTION);
    }

    /** The server option that switches the provider's meters off, as an operator writes it. */
    public static final String OPTION = "--spi-storage--app-users--metrics-enabled";

    /**
     * Whether Keycloak runs with metrics: its Prometheus registry is in Micrometer's global registry. Asked until it
     * is (Quarkus adds it as the server starts); then the hashing-slot meters are bound once.
     */
    public boolean on() {
        return registry() != null;
    }

    private MeterRegistry registry() {
        if (switchedOff) {
            return null;
        }
        MeterRegistry known = registry;
        if (known != null || given == null && !globalHasRegistries()) {
            return known;
        }
        synchronized (this) {
            if (registry == null) {
                registry = given != null ? given : Metrics.globalRegistry;
                SlotEvents.listen(new HashingSlotMeters(registry));
                LOG.debugf("Metrics are enabled: the provider's meters go to %s", registry.getClass().getSimpleName());
            }
            return registry;
        }
    }

    private static boolean globalHasRegistries() {
        try {
            return !Metrics.globalRegistry.getRegistries().isEmpty();
        } catch (LinkageError e) {
            return false; // no Micrometer on this Keycloak's class path: no metrics either
        }
    }

    /** The meters of a component of {@code session}'s realms; {@link ComponentMeters#NONE} without metrics. */
    public ComponentMeters of(KeycloakSession session, ComponentModel component) {
        if (!on() || component.getId() == null) {
            return ComponentMeters.NONE;
        }
        RealmModel current = session.getContext().getRealm();
        RealmModel realm = current != null && current.getId().equals(component.getParentId()) ? current
                : session.realms().getRealm(component.getParentId());
        return realm == null ? ComponentMeters.NONE : of(realm.getName(), component.getId(), component.getName());
    }

    /** {@link #of(KeycloakSession, ComponentModel)} outside a session (a sync): the realm is read in one of its own. */
    public ComponentMeters of(KeycloakSessionFactory factory, String realmId, String componentId,
                              String componentName) {
        if (!on()) {
            return ComponentMeters.NONE;
        }
        String realmName = KeycloakModelUtils.runJobInTransactionWithResult(factory, session -> {
            RealmModel realm = session.realms().getRealm(realmId);
            return realm == null ? null : realm.getName();
        });
        return realmName == null ? ComponentMeters.NONE : of(realmName, componentId, componentName);
    }

    /**
     * The meters of the component {@code componentId}, named {@code componentName} in the realm {@code realmName};
     * those it had under other names are removed.
     */
    public ComponentMeters of(String realmName, String componentId, String componentName) {
        MeterRegistry target = registry();
        if (target == null || componentId == null) {
            return ComponentMeters.NONE;
        }
        String name = componentName == null ? "" : componentName;
        RegisteredMeters known = byComponent.get(componentId);
        if (known != null && known.realm.equals(realmName) && known.component.equals(name)) {
            return known;
        }
        synchronized (byComponent) {
            known = byComponent.get(componentId);
            if (known != null && known.realm.equals(realmName) && known.component.equals(name)) {
                return known;
            }
            if (known != null) {
                known.remove();
            }
            RegisteredMeters created = new RegisteredMeters(target, realmName, name);
            byComponent.put(componentId, created);
            return created;
        }
    }

    /** The meters the component has already, or {@link ComponentMeters#NONE}. */
    public ComponentMeters existing(String componentId) {
        ComponentMeters known = componentId == null ? null : byComponent.get(componentId);
        return known == null ? ComponentMeters.NONE : known;
    }

    /** The component was deleted: its meters are taken off the registry. */
    public void remove(String componentId) {
        synchronized (byComponent) {
            RegisteredMeters known = byComponent.remove(componentId);
            if (known != null) {
                known.remove();
            }
        }
    }
}
