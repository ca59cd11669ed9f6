package dev.appusers.keycloak.sync;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.persistence.FlushModeType;

import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.storage.user.SynchronizationResult;

import dev.appusers.keycloak.jdbc.AppRole;
import dev.appusers.keycloak.jdbc.OpenTransactions;
import dev.appusers.keycloak.jdbc.RoleRepository;
import dev.appusers.keycloak.jdbc.UserPage;
import dev.appusers.keycloak.jdbc.UserRepository;
import dev.appusers.keycloak.jdbc.UserRow;
import dev.appusers.keycloak.metrics.AppUsersMeters;
import dev.appusers.keycloak.metrics.ComponentMeters;
import dev.appusers.keycloak.metrics.DbOperation;
import dev.appusers.keycloak.store.AppUserStore;

/**
 * "Sync all users" and "Sync changed users" of one component: reads the app's users page by page in id order and
 * imports each page in a Keycloak transaction of its own, so a sync that fails midway leaves whole users only and can
 * simply be run again. Pages are imported two at a time while the next is read ({@link PageImports}), so that
 * Keycloak's work on one page overlaps the database's on another. A page whose transaction fails is imported again
 * user by user, so one bad user costs only itself. A full sync then removes the imported users whose rows are gone.
 *
 * <p>A changed sync reads the rows whose last-modified column is at or after the previous sync's start less the
 * horizon (the longest app transaction Keycloak waits for; tightened where the database says more: {@link
 * ChangeWindow}), plus, when the app has a change table with {@code changed_at}, the users it records since then (a
 * role granted or revoked leaves the user row alone); it removes no one. When the change table cannot be trusted for
 * that stretch or records a change for every user, it runs as a full sync instead, with one INFO line saying why
 * ({@link ChangePlanner}). A sync that finishes leaves its start to the next changed sync ({@link SyncStarts}).
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
    /** Ids per statement when reading the users the change table names (a text id binds two parameters). */
    private static final int IDS_PER_READ = 500;

    private record Page(UserPage users, Map<String, List<AppRole>> roles, Set<String> roleNames) {
    }

    @FunctionalInterface
    private interface UsersRead {
        UserPage read(UserRepository users, Connection connection) throws SQLException;
    }

    private final KeycloakSessionFactory factory;
    private final String realmId;
    private final String componentId;
    private final String componentName;
    private final Function<KeycloakSession, AppUserStore> store;

    public AppUserSync(KeycloakSessionFactory factory, String realmId, String componentId, String componentName,
                       Function<KeycloakSession, AppUserStore> store) {
        this.factory = factory;
        this.realmId = realmId;
        this.componentId = componentId;
        this.componentName = componentName;
        this.store = store;
    }

    /**
     * A full sync that stops midway (the app database gone, say) returns what it did with {@code failed} one higher
     * and logs one ERROR line with the reason; a changed sync throws, so that Keycloak keeps its last-sync time.
     *
     * @param lastSync null for a full sync, else Keycloak's last-sync time: the changed sync reads from this node's
     *                 previous start or it, less the horizon ({@link ChangeWindow})
     */
    public SynchronizationResult run(Timestamp lastSync) {
        ComponentMeters meters = AppUsersMeters.server().of(factory, realmId, componentId, componentName);
        SyncStarts.SyncStart start = start();
        if (lastSync == null) {
            return run(meters, start, null, List.of(), false);
        }
        ChangePlanner.ChangePlan plan = KeycloakModelUtils.runJobInTransactionWithResult(factory,
                session -> ChangePlanner.plan(session, store.apply(session), componentName, lastSync,
                        SyncStarts.lastFinished(componentId)));
        if (plan.fullSyncReason() != null) {
            LOG.infof("Changed users sync of %s runs as a full sync: %s", componentName, plan.fullSyncReason());
            return run(meters, start, null, List.of(), true);
        }
        return run(meters, start, plan.rowsSince(), plan.userIds(), true);
    }

    /** Now, and what the app database tells of its open transactions (nothing, when it cannot be read). */
    private SyncStarts.SyncStart start() {
        java.time.Instant now = java.time.Instant.now();
        try {
            return new SyncStarts.SyncStart(now, KeycloakModelUtils.runJobInTransactionWithResult(factory, session -> {
                AppUserStore app = store.apply(session);
                return app.database().run(DbOperation.SYNC_PAGE, "reading the app database's open transactions",
                        c -> OpenTransactions.now(c, app.config().queryTimeoutSeconds()));
            }));
        } catch (RuntimeException e) {
            LOG.debugf("Sync of %s: open transactions unknown (%s)", componentName, e.getMessage());
            return new SyncStarts.SyncStart(now, OpenTransactions.unknown());
        }
    }

    /**
     * @param meters      told the counts and the duration when the sync ends
     * @param throwOnStop a changed sync (or a full one in its place) throws when it stops midway
     */
    private SynchronizationResult run(ComponentMeters meters, SyncStarts.SyncStart start, Timestamp changedSince,
                                      List<String> changedIds, boolean throwOnStop) {
        long started = System.nanoTime();
        SynchronizationResult result = new SynchronizationResult();
        Set<String> seen = changedSince == null || !changedIds.isEmpty() ? new HashSet<>() : null;
        Object after = null;
        int read = 0;
        PageImports pages = new PageImports();
        RuntimeException stopped = null;
        try {
            do {
                Object from = after;
                Page page = KeycloakModelUtils.runJobInTransactionWithResult(factory, session -> read(session,
                        (users, c) -> users.page(c, from, BATCH, changedSince)));
                failed(result, page.users().unreadable());
                pages.submit(() -> importPage(page, result));
                if (seen != null) {
                    page.users().rows().forEach(row -> seen.add(ImportedUser.keycloakId(componentId, row.id())));
                    // a row that is there but cannot be read (a blank username) keeps its imported user
                    page.users().unreadableIds().forEach(id -> seen.add(ImportedUser.keycloakId(componentId, id)));
                }
                int before = read;
                read += page.users().rows().size() + page.users().unreadable();
                if (read / PROGRESS_EVERY != before / PROGRESS_EVERY) {
                    LOG.infof("Sync of %s: %d app users read so far (%s)", componentName, read, status(result));
                }
                after = page.users().continueAfter();
            } while (after != null);
            read += importChanged(changedIds, seen, result, pages);
        } catch (RuntimeException e) {
            stopped = e;
        }
        pages.awaitAll(); // also when reading stopped: the answer counts what the pages already read did
        if (stopped != null) {
            meters.synced(result.getAdded(), result.getUpdated(), result.getRemoved(), result.getFailed() + 1,
                    System.nanoTime() - started);
            if (throwOnStop) {
                // thrown, Keycloak keeps its last-sync time: the next changed sync reads these rows again
                throw stopped;
            }
            // returned, the answer shows what was imported; a full sync that stopped removes no one
            result.increaseFailed();
            LOG.errorf("Sync of %s stopped after %d app users read (%s): %s. Sync all users again to import the rest",
                    componentName, read, result.getStatus(), stopped.getMessage());
            return result;
        }
        if (changedSince == null) {
            GoneUsers.remove(factory, realmId, componentId, componentName, seen, result, BATCH);
        }
        SyncStarts.finished(componentId, start);
        meters.synced(result.getAdded(), result.getUpdated(), result.getRemoved(), result.getFailed(),
                System.nanoTime() - started);
        LOG.infof("Sync of %s finished in %d ms: %d app users read; %s", componentName,
                (System.nanoTime() - started) / 1_000_000, read, result.getStatus());
        return result;
    }

    /** Imports the users the change table named that the last-modified pages did not; @return how many were read */
    private int importChanged(List<String> changedIds, Set<String> seen, SynchronizationResult result,
                              PageImports pages) {
        List<String> rest = changedIds.stream()
                .filter(id -> !seen.contains(ImportedUser.keycloakId(componentId, id))).sorted().toList();
        int read = 0;
        for (int from = 0; from < rest.size(); from += IDS_PER_READ) {
            List<String> ids = rest.subList(from, Math.min(rest.size(), from + IDS_PER_READ));
            Page page = KeycloakModelUtils.runJobInTransactionWithResult(factory, session -> read(session,
                    (users, c) -> users.byIds(c, ids)));
            failed(result, page.users().unreadable());
            pages.submit(() -> importPage(page, result));
            read += page.users().rows().size() + page.users().unreadable();
        }
        return read;
    }

    /** The pages' threads add to the result too. */
    private static void failed(SynchronizationResult result, int count) {
        synchronized (result) {
            result.setFailed(result.getFailed() + count);
        }
    }

    private static String status(SynchronizationResult result) {
        synchronized (result) {
            return result.getStatus();
        }
    }

    private Page read(KeycloakSession session, UsersRead query) {
        AppUserStore app = store.apply(session);
        Optional<RoleRepository> appRoles = app.mapping().roles();
        return app.database().run(DbOperation.SYNC_PAGE, "reading app users to sync", c -> {
            UserPage users = query.read(app.mapping().users(), c);
            List<String> ids = users.rows().stream().map(UserRow::id).toList();
            Map<String, List<AppRole>> roles = appRoles.isPresent() ? appRoles.get().ofUsers(c, ids) : Map.of();
            Set<String> names = appRoles.isPresent()
                    ? appRoles.get().all(c).stream().map(AppRole::name).collect(Collectors.toSet()) : Set.of();
            return new Page(users, roles, names);
        });
    }

    private void importPage(Page page, SynchronizationResult result) {
        List<UserRow> rows = page.users().rows();
        if (!page.users().unreadableIds().isEmpty()) { // counted failed when read
            KeycloakModelUtils.runJobInTransaction(factory, session -> {
                RealmModel realm = session.realms().getRealm(realmId);
                session.getContext().setRealm(realm);
                UserImport importer = new UserImport(session, realm, store.apply(session), page.roleNames());
                page.users().unreadableIds().forEach(importer::keepUnreadable);
            });
        }
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
                    failed(result, 1);
                }
            }
        }
    }

    private SynchronizationResult importRows(KeycloakSession session, List<UserRow> rows, Page page) {
        RealmModel realm = session.realms().getRealm(realmId);
        session.getContext().setRealm(realm);
        // the batch's own inserts need not be flushed before each lookup: UserImport knows the names it gave out
        session.getProvider(JpaConnectionProvider.class).getEntityManager().setFlushMode(FlushModeType.COMMIT);
        AppUserStore app = store.apply(session);
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
}
