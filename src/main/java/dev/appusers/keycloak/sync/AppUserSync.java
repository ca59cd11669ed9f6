package dev.appusers.keycloak.sync;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.persistence.FlushModeType;

import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserManager;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.storage.UserStoragePrivateUtil;
import org.keycloak.storage.user.SynchronizationResult;

import dev.appusers.keycloak.jdbc.AppRole;
import dev.appusers.keycloak.jdbc.UserPage;
import dev.appusers.keycloak.jdbc.UserRow;

/**
 * "Sync all users" and "Sync changed users" of one component: reads the app's users page by page in id order and
 * imports each page in a Keycloak transaction of its own, so a sync that fails midway leaves whole users only and can
 * simply be run again. Pages are imported by {@value #THREADS_DEFAULT} threads at once ({@code
 * -Dappusers.sync.threads}) while the next page is read, so that Keycloak's work on one page overlaps the database's
 * on another. A page whose transaction fails is imported again user by user, so one bad user costs only itself. A
 * full sync then removes the imported users whose rows are gone.
 */
public final class AppUserSync {

    private static final Logger LOG = Logger.getLogger(AppUserSync.class);

    /**
     * Users per page and per Keycloak transaction. New users are written as entities and flushed once per batch
     * ({@link NewUsers}); through Keycloak's {@code addUser} ({@code -Dappusers.sync.newUsers=model}) the batch stays
     * small, as {@code addUser} flushes the whole session and a batch then costs the square of its size.
     */
    static final int BATCH = Integer.getInteger("appusers.sync.batch", NewUsers.enabled() ? 1000 : 100);
    private static final int PROGRESS_EVERY = 10_000;
    private static final int THREADS_DEFAULT = 2;
    /** Pages imported at once; 1 imports each page before the next is read. */
    static final int THREADS = Math.max(1, Integer.getInteger("appusers.sync.threads", THREADS_DEFAULT));
    private static final AtomicInteger WORKER_NUMBER = new AtomicInteger();

    private record Page(UserPage users, Map<String, List<AppRole>> roles, Set<String> roleNames) {
    }

    private final KeycloakSessionFactory factory;
    private final String realmId;
    private final String componentId;
    private final String componentName;
    private final Function<KeycloakSession, AppSource> source;

    public AppUserSync(KeycloakSessionFactory factory, String realmId, String componentId, String componentName,
                       Function<KeycloakSession, AppSource> source) {
        this.factory = factory;
        this.realmId = realmId;
        this.componentId = componentId;
        this.componentName = componentName;
        this.source = source;
    }

    /**
     * A full sync that stops midway (the app database gone, say) returns what it did with {@code failed} one higher
     * and logs one ERROR line with the reason; a changed sync throws, so that Keycloak keeps its last-sync time.
     *
     * @param changedSince null for a full sync, else the rows whose last-modified column is at or after it
     */
    public SynchronizationResult run(Timestamp changedSince) {
        long started = System.nanoTime();
        SynchronizationResult result = new SynchronizationResult();
        Set<String> seen = changedSince == null ? new HashSet<>() : null;
        Object after = null;
        int read = 0;
        ExecutorService workers = Executors.newFixedThreadPool(THREADS, task -> {
            Thread thread = new Thread(task, "app-users-sync-" + WORKER_NUMBER.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        Semaphore slots = new Semaphore(THREADS);
        List<Future<?>> imports = new ArrayList<>();
        try {
            do {
                Object from = after;
                Page page = KeycloakModelUtils.runJobInTransactionWithResult(factory, session -> read(session, from,
                        changedSince));
                synchronized (result) {
                    result.setFailed(result.getFailed() + page.users().unreadable());
                }
                slots.acquireUninterruptibly();
                imports.add(workers.submit(() -> {
                    try {
                        importPage(page, result);
                    } finally {
                        slots.release();
                    }
                }));
                if (seen != null) {
                    page.users().rows().forEach(row -> seen.add(ImportedUser.keycloakId(componentId, row.id())));
                }
                int before = read;
                read += page.users().rows().size() + page.users().unreadable();
                if (read / PROGRESS_EVERY != before / PROGRESS_EVERY) {
                    LOG.infof("Sync of %s: %d app users read so far (%s)", componentName, read, status(result));
                }
                after = page.users().continueAfter();
            } while (after != null);
        } catch (RuntimeException e) {
            awaitAll(imports, workers);
            if (changedSince != null) {
                // thrown, Keycloak keeps its last-sync time: the next changed sync reads these rows again
                throw e;
            }
            // returned, the answer shows what was imported; a full sync that stopped removes no one
            result.increaseFailed();
            LOG.errorf("Sync of %s stopped after %d app users read (%s): %s. Sync all users again to import the rest",
                    componentName, read, result.getStatus(), e.getMessage());
            return result;
        }
        awaitAll(imports, workers);
        if (seen != null) {
            removeGone(seen, result);
        }
        LOG.infof("Sync of %s finished in %d ms: %d app users read; %s", componentName,
                (System.nanoTime() - started) / 1_000_000, read, result.getStatus());
        return result;
    }

    private static String status(SynchronizationResult result) {
        synchronized (result) {
            return result.getStatus();
        }
    }

    /** Waits for the pages being imported (each catches its own failures), then ends the workers. */
    private static void awaitAll(List<Future<?>> imports, ExecutorService workers) {
        try {
            for (Future<?> page : imports) {
                page.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while pages of a sync were imported", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a page of a sync failed", e.getCause());
        } finally {
            workers.shutdown();
        }
    }

    private Page read(KeycloakSession session, Object after, Timestamp changedSince) {
        AppSource app = source.apply(session);
        return app.database(session).run("reading app users to sync", c -> {
            UserPage users = app.users().page(c, after, BATCH, changedSince);
            List<String> ids = users.rows().stream().map(UserRow::id).toList();
            Map<String, List<AppRole>> roles = app.roles().isPresent() ? app.roles().get().ofUsers(c, ids) : Map.of();
            Set<String> names = app.roles().isPresent()
                    ? app.roles().get().all(c).stream().map(AppRole::name).collect(Collectors.toSet()) : Set.of();
            return new Page(users, roles, names);
        });
    }

    private void importPage(Page page, SynchronizationResult result) {
        List<UserRow> rows = page.users().rows();
        if (rows.isEmpty()) {
            return;
        }
        try {
            SynchronizationResult batch = KeycloakModelUtils.runJobInTransactionWithResult(factory,
                    session -> importRows(session, rows, page));
            synchronized (result) {
                result.add(batch);
            }
        } catch (RuntimeException e) {
            LOG.warnf("Sync of %s: a batch of %d users failed (%s); importing them one by one", componentName,
                    rows.size(), e.getClass().getSimpleName());
            for (UserRow row : rows) {
                try {
                    SynchronizationResult one = KeycloakModelUtils.runJobInTransactionWithResult(factory,
                            session -> importRows(session, List.of(row), page));
                    synchronized (result) {
                        result.add(one);
                    }
                } catch (RuntimeException single) {
                    LOG.warnf("App user %s not imported: %s", row.id(), single.getClass().getSimpleName());
                    synchronized (result) {
                        result.increaseFailed();
                    }
                }
            }
        }
    }

    private SynchronizationResult importRows(KeycloakSession session, List<UserRow> rows, Page page) {
        RealmModel realm = session.realms().getRealm(realmId);
        session.getContext().setRealm(realm);
        // the batch's own inserts need not be flushed before each lookup: UserImport knows the names it gave out
        session.getProvider(JpaConnectionProvider.class).getEntityManager().setFlushMode(FlushModeType.COMMIT);
        AppSource app = source.apply(session);
        LinkedUsers.Known known = LinkedUsers.known(session, realmId,
                rows.stream().map(row -> ImportedUser.keycloakId(componentId, row.id())).toList(),
                rows.stream().map(UserRow::username).toList(),
                rows.stream().map(UserRow::email).filter(java.util.Objects::nonNull).toList());
        UserImport importer = new UserImport(session, realm, app, page.roleNames(), known);
        SynchronizationResult result = new SynchronizationResult();
        for (UserRow row : rows) {
            switch (importer.apply(row, page.roles().getOrDefault(row.id(), List.of()))) {
                case ADDED -> result.increaseAdded();
                case UPDATED -> result.increaseUpdated();
                case FAILED -> result.increaseFailed();
                default -> { }
            }
        }
        importer.finish();
        LOG.debugf("Sync of %s: a batch of %d app users: %s", componentName, rows.size(), result.getStatus());
        return result;
    }

    /** After a full sync: the imported users whose app rows are gone are removed, a batch per transaction. */
    private void removeGone(Set<String> seen, SynchronizationResult result) {
        List<String> gone = KeycloakModelUtils.runJobInTransactionWithResult(factory, session -> LinkedUsers
                .ids(session, realmId, componentId).stream()
                .filter(id -> !seen.contains(id)).toList());
        for (int from = 0; from < gone.size(); from += BATCH) {
            List<String> batch = new ArrayList<>(gone.subList(from, Math.min(gone.size(), from + BATCH)));
            KeycloakModelUtils.runJobInTransaction(factory, session -> {
                RealmModel realm = session.realms().getRealm(realmId);
                session.getContext().setRealm(realm);
                for (String id : batch) {
                    UserModel user = UserStoragePrivateUtil.userLocalStorage(session).getUserById(realm, id);
                    if (user != null && new UserManager(session).removeUser(realm, user,
                            UserStoragePrivateUtil.userLocalStorage(session))) {
                        LOG.debugf("Sync of %s: removed user %s, whose app row is gone", componentName, id);
                        result.increaseRemoved();
                    }
                }
            });
        }
    }
}
