package dev.appusers.keycloak.changes;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.storage.CacheableStorageProviderModel.CachePolicy;
import org.keycloak.storage.UserStorageProvider;
import org.keycloak.storage.UserStorageProviderModel;

import dev.appusers.keycloak.config.AppUsersConfig;
import dev.appusers.keycloak.metrics.AppUsersMeters;

/**
 * The change feeds of this node, one per app-users component it has seen, polled every {@value #INTERVAL_MILLIS} ms
 * (after the previous poll ended) on a thread of their own, {@value #THREAD_NAME}: never on Keycloak's shared timer
 * thread, whose other tasks (expired-session cleanup, every provider's periodic syncs) would otherwise wait while an
 * app database does not answer. A component is seen when the node starts (every realm's components) or when a
 * provider of it is first created here, before it can cache any of its users; its reader starts at that moment.
 */
public final class ChangeFeeds {

    public static final String THREAD_NAME = "app-users-change-feed";
    public static final long INTERVAL_MILLIS = 1000;

    private static final Logger LOG = Logger.getLogger(ChangeFeeds.class);
    /** How long a watched component may be absent from its realm before its feed is forgotten. */
    private static final long ABSENT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private record Watched(String realmId, ComponentFeed feed) {
    }

    private final String providerId;
    private final Map<String, Watched> byComponentId = new ConcurrentHashMap<>();
    private ScheduledExecutorService poller;

    public ChangeFeeds(String providerId) {
        this.providerId = providerId;
    }

    /** Once Keycloak's database is migrated: every component's feed starts, then the feeds' thread polls them. */
    public void startWith(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof PostMigrationEvent) {
                KeycloakModelUtils.runJobInTransaction(factory, session -> session.realms().getRealmsStream()
                        .forEach(realm -> realm.getComponentsStream(realm.getId(), UserStorageProvider.class.getName())
                                .filter(c -> providerId.equals(c.getProviderId()))
                                .forEach(c -> watch(session, c))));
                startPolling(factory);
                LOG.debugf("Change feeds polled every %d ms: %d components", INTERVAL_MILLIS, byComponentId.size());
            }
        });
    }

    private synchronized void startPolling(KeycloakSessionFactory factory) {
        if (poller != null) {
            return;
        }
        poller = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, THREAD_NAME);
            thread.setDaemon(true);
            return thread;
        });
        poller.scheduleWithFixedDelay(() -> {
            try {
                KeycloakModelUtils.runJobInTransaction(factory, this::run);
            } catch (RuntimeException | LinkageError e) {
                LOG.warnf("Change feeds: a poll failed (%s); polling again in %d ms", e, INTERVAL_MILLIS);
            }
        }, INTERVAL_MILLIS, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** When Keycloak stops: the feeds' thread ends. */
    public synchronized void stop() {
        if (poller != null) {
            poller.shutdownNow();
            poller = null;
        }
    }

    /**
     * Starts the component's feed on this node if it has none yet (its reader where the table stands now), when
     * the node starts or the component is created: no user of it is cached yet. A feed registered a moment before
     * by {@link #watchLater} (Keycloak creates a provider while it validates a new component) is replaced.
     */
    public void watch(KeycloakSession session, ComponentModel component) {
        Watched existing = byComponentId.get(component.getId());
        if (existing != null && !existing.feed().waitsToStartLate()) {
            return;
        }
        RealmModel realm = session.realms().getRealm(component.getParentId());
        if (realm == null) {
            return;
        }
        Watched watched = new Watched(realm.getId(), new ComponentFeed(component.getName()));
        boolean registered = existing == null ? byComponentId.putIfAbsent(component.getId(), watched) == null
                : byComponentId.replace(component.getId(), existing, watched);
        if (registered && polled(component)) {
            try {
                watched.feed().poll(session, realm, component, System.nanoTime());
            } catch (RuntimeException e) {
                LOG.debugf("Change feed of %s not started yet: %s", component.getName(), e.getMessage());
            }
        }
    }

    /**
     * The component was saved: its feed goes on (a new reader would skip what changed since the last poll) and
     * looks for a missing change table at its next poll; it restarts by itself if the table's settings changed.
     */
    public void saved(KeycloakSession session, ComponentModel component) {
        Watched watched = byComponentId.get(component.getId());
        if (watched == null) {
            watch(session, component);
            return;
        }
        watched.feed().lookAgain();
        RealmModel realm = session.realms().getRealm(watched.realmId());
        if (realm != null && polled(component) && !watched.feed().started()) {
            // a component switched to a caching policy: its feed starts before the save answers, before any user
            // of it can be cached, not at the next poll
            try {
                watched.feed().poll(session, realm, component, System.nanoTime());
            } catch (RuntimeException e) {
                LOG.debugf("Change feed of %s not started yet: %s", component.getName(), e.getMessage());
            }
        }
    }

    /**
     * A provider of the component is being created on a request thread: a component this node has not seen yet
     * (created through another node) gets its feed, started by the feeds' thread at its next poll, so that no request
     * waits for the app database here.
     */
    public void watchLater(ComponentModel component) {
        if (!byComponentId.containsKey(component.getId()) && component.getParentId() != null) {
            byComponentId.putIfAbsent(component.getId(),
                    new Watched(component.getParentId(), ComponentFeed.startingLate(component.getName())));
        }
    }

    public void forget(String componentId) {
        byComponentId.remove(componentId);
    }

    /** One poll of every feed, in one Keycloak session. */
    void run(KeycloakSession session) {
        long now = System.nanoTime();
        byComponentId.forEach((componentId, watched) -> {
            RealmModel realm = session.realms().getRealm(watched.realmId());
            ComponentModel component = realm == null ? null : realm.getComponent(componentId);
            if (component == null) {
                // deleted (through another node), or created in a transaction not committed yet: forgotten only
                // once it stays away
                if (watched.feed().absentFor(now) > ABSENT_NANOS && byComponentId.remove(componentId, watched)) {
                    AppUsersMeters.server().remove(componentId); // its realm went, say: its meters go too
                }
                return;
            }
            watched.feed().present();
            if (polled(component)) {
                try {
                    watched.feed().poll(session, realm, component, now);
                } catch (RuntimeException e) {
                    LOG.debugf("Change feed of %s skipped: %s", component.getName(), e.getMessage());
                }
            } else {
                AppUsersMeters.server().existing(componentId).feedOff(); // no poll age while nothing is polled
            }
        });
    }

    /** Components that cache users need the feed; NO_CACHE ones read every request anyway. */
    private static boolean polled(ComponentModel component) {
        UserStorageProviderModel model = new UserStorageProviderModel(component);
        return model.isEnabled() && model.getCachePolicy() != CachePolicy.NO_CACHE;
    }

    /** The admin form's status line for a component saved with {@code config}. */
    public static String status(KeycloakSession session, ComponentModel component, AppUsersConfig config) {
        if (new UserStorageProviderModel(component).getCachePolicy() == CachePolicy.NO_CACHE) {
            return "not needed: cachePolicy NO_CACHE reads the app's tables on every request";
        }
        return ComponentFeed.status(session, config);
    }
}
