package dev.appusers.keycloak.changes;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import dev.appusers.keycloak.config.AppUsersConfig;
import dev.appusers.keycloak.jdbc.AppDatabase;
import dev.appusers.keycloak.jdbc.ChangeReads;
import dev.appusers.keycloak.jdbc.ChangeTable;
import dev.appusers.keycloak.jdbc.SchemaException;
import dev.appusers.keycloak.jdbc.StoreUnavailable;
import dev.appusers.keycloak.metrics.AppUsersMeters;
import dev.appusers.keycloak.metrics.ComponentMeters;
import dev.appusers.keycloak.metrics.DbOperation;

/**
 * The change feed of one app-users component on this node: its change table's reader (started where the table
 * stands when the component is first seen here, see {@link FeedReader}), and what one poll does. A poll that cannot
 * reach the database keeps the reader, so the next one that can evicts every user changed meanwhile; each outage is
 * logged once when it starts and once when it ends. A change table that is not there (yet, or any more) is looked
 * for again every {@value #MISSING_RECHECK_SECONDS} s; one found again after it was gone clears the realm's user
 * cache once, since the changes made meanwhile were recorded nowhere.
 */
final class ComponentFeed {

    private static final Logger LOG = Logger.getLogger(ComponentFeed.class);
    static final long MISSING_RECHECK_SECONDS = 30;

    private final String name;
    private String tableKey;
    private FeedReader reader;
    /** When the table was last found missing (nanoTime), or null: looked for again after the recheck interval. */
    private volatile Long missingSince;
    private boolean seenBefore;
    /** Whether the table was looked for before on this node (users may have been cached meanwhile). */
    private boolean lookedBefore;
    private String outage;
    private String lastFailure;
    private long lastRead;
    /**
     * When the last successful read of the table began (this node's nanoTime): a change that read did not see was
     * committed after it, so "now minus this" bounds the lag of every change the next poll applies (the meters'
     * {@code app_users_change_feed_lag_seconds}). One clock, this node's, whatever the database's says.
     */
    private long lastReadStart;

    ComponentFeed(String name) {
        this.name = name;
    }

    /**
     * A feed that starts later than the component's first use on this node (on the feeds' thread, not a request's):
     * its start clears the realm's user cache once, as users may have been cached before it.
     */
    static ComponentFeed startingLate(String name) {
        ComponentFeed feed = new ComponentFeed(name);
        feed.lookedBefore = true;
        return feed;
    }

    /** Since when the feeds' thread has not found the component (nanoTime), or null. */
    private volatile Long absentSince;

    /** How long the component has been absent from its realm as of {@code now} (0: it was there). */
    long absentFor(long now) {
        Long since = absentSince;
        if (since == null) {
            absentSince = now;
            return 0;
        }
        return now - since;
    }

    void present() {
        absentSince = null;
    }

    /** Whether this is a {@link #startingLate} feed that has not begun to start. */
    synchronized boolean waitsToStartLate() {
        return lookedBefore && tableKey == null;
    }

    /** Whether the reader has started (the table was found and read). */
    synchronized boolean started() {
        return reader != null;
    }

    /** A missing change table is looked for at the next poll, not after the recheck interval. */
    void lookAgain() {
        missingSince = null;
    }

    /** Starts the reader if not done yet; a poll if already started. */
    synchronized void poll(KeycloakSession session, RealmModel realm, ComponentModel model, long now) {
        AppUsersConfig config = AppUsersConfig.from(model);
        String key = config.datasource() + "/" + config.dbSchema().orElse("") + "/" + config.changeTable().orElse("");
        if (!key.equals(tableKey)) {
            lookedBefore &= tableKey == null; // a late start still owes its clear; a changed table starts anew
            tableKey = key;
            reader = null;
            missingSince = null;
            seenBefore = false;
        }
        if (config.changeTable().isEmpty()
                || missingSince != null && now - missingSince < TimeUnit.SECONDS.toNanos(MISSING_RECHECK_SECONDS)) {
            return;
        }
        ComponentMeters meters = AppUsersMeters.server().of(realm.getName(), model.getId(), model.getName());
        AppDatabase database = new AppDatabase(session, config.datasource())
                .withNetworkTimeout(config.queryTimeoutSeconds()).metered(meters);
        try {
            if (reader == null) {
                start(session, realm, model, database, config, now);
                meters.feedPolled();
                return;
            }
            FeedReader polled = reader;
            long readStart = System.nanoTime();
            FeedOutcome outcome = database.run(DbOperation.CHANGE_FEED_POLL, "reading the change table",
                    c -> ChangeReads.orGone(polled.table, polled::poll, c));
            if (outcome.clearAll() == null && now - lastRead > polled.retention.toNanos()) {
                outcome = new FeedOutcome(outcome.userIds(), "this node could not read " + polled.table.name()
                        + " for longer than its retention (" + FeedReader.human(polled.retention) + ")",
                        outcome.unreadable(), List.of());
            }
            session.getContext().setRealm(realm);
            apply(session, realm, model, database, outcome, meters);
            lastRead = now;
            lastReadStart = readStart;
            meters.feedPolled();
            lastFailure = null;
        } catch (SchemaException e) {
            gone(e);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    private void start(KeycloakSession session, RealmModel realm, ComponentModel model, AppDatabase database,
            AppUsersConfig config, long now) {
        long readStart = System.nanoTime();
        FeedReader started = database.run(DbOperation.CHANGE_FEED_POLL, "starting the change feed", c -> {
            ChangeTable table = ChangeTable.resolve(c, config);
            return FeedReader.start(c, table, true);
        });
        reader = started;
        missingSince = null;
        lastRead = now;
        lastReadStart = readStart;
        if (seenBefore) {
            LOG.warnf("Change feed of %s: %s is there again; changes made while it was gone were recorded nowhere, "
                    + "the realm's user cache was cleared", name, started.table.name());
        } else if (lookedBefore) {
            LOG.infof("Change feed of %s reads %s from now on; users this node cached before then were not watched, "
                    + "the realm's user cache was cleared once", name, started.table.name());
        }
        if (lookedBefore) {
            session.getContext().setRealm(realm);
            UserEviction.evictRealm(session, realm);
        }
        seenBefore = true;
        outage = null;
        LOG.debugf("Change feed of %s reads %s (%s; retention %s)", name, started.table.name(), started.waits(),
                FeedReader.human(started.retention));
    }

    private void gone(SchemaException e) {
        if (reader != null) {
            LOG.warnf("Change feed of %s: %s; looking for it every %d s", name, e.getMessage(),
                    MISSING_RECHECK_SECONDS);
        } else {
            LOG.debugf("No change feed for %s: %s", name, e.getMessage());
        }
        reader = null;
        missingSince = System.nanoTime();
        lookedBefore = true;
        outage = null;
    }

    private void failed(RuntimeException e) {
        lookedBefore |= reader == null; // not started yet: users may be cached before it can start
        if (!StoreUnavailable.is(e)) {
            String failure = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (!failure.equals(lastFailure)) {
                LOG.warnf("Change feed of %s failed (%s); trying again every poll", name, failure);
                lastFailure = failure;
            }
            return;
        }
        if (outage == null) {
            outage = e.getMessage();
            LOG.warnf("Change feed of %s cannot read %s (%s); the users changed meanwhile are evicted once it "
                    + "can again", name, reader == null ? "the change table" : reader.table.name(), outage);
        }
    }

    private void apply(KeycloakSession session, RealmModel realm, ComponentModel model, AppDatabase database,
            FeedOutcome outcome, ComponentMeters meters) {
        String table = reader.table.name();
        for (Long seq : outcome.unreadable()) {
            LOG.warnf("Change feed of %s: change %d of %s names no user id of the user table; skipped", name, seq,
                    table);
        }
        if (!outcome.givenUp().isEmpty()) {
            FeedReader polled = reader;
            String open = database.run(DbOperation.CHANGE_FEED_POLL, "reading the oldest open transaction",
                    c -> ChangeReads.oldestOpenTransaction(c, polled.table)).orElse("no transaction open now");
            LOG.warnf("Change feed of %s: %d numbers of %s still missing after the retention (%s) are no longer waited "
                    + "for; %s", name, outcome.givenUp().size(), table, FeedReader.human(reader.retention), open);
        }
        int evicted;
        if (outcome.everyone()) {
            UserEviction.evictRealm(session, realm);
            evicted = -1;
        } else {
            evicted = UserEviction.evict(session, realm, model, outcome.userIds());
        }
        int changes = outcome.everyone() ? 1 : outcome.userIds().size();
        if (changes > 0) {
            meters.feedApplied(changes, Math.max(0, evicted), System.nanoTime() - lastReadStart);
        }
        if (outage != null) {
            LOG.infof("Change feed of %s reads %s again: %s", name, table, evicted < 0
                    ? "the realm's user cache was cleared" : outcome.userIds().size() + " users changed meanwhile, "
                    + evicted + " of them cached here, evicted");
            outage = null;
        } else if (outcome.lostChanges()) {
            LOG.warnf("Change feed of %s: %s; the realm's user cache was cleared", name, outcome.clearAll());
        } else if (!outcome.userIds().isEmpty()) {
            LOG.debugf("Change feed of %s: %d users changed, %d cached here evicted", name,
                    outcome.userIds().size(), evicted);
        }
    }

    /** "active: ..." or "not installed: ..." for the admin form, checked on the live database. */
    static String status(KeycloakSession session, AppUsersConfig config) {
        if (config.changeTable().isEmpty()) {
            return "off: changeTable is empty";
        }
        try {
            return new AppDatabase(session, config.datasource()).run("finding the change table", c -> {
                FeedReader probe = FeedReader.start(c, ChangeTable.resolve(c, config), true);
                return "active: " + probe.table.name() + " polled every 1 s; " + probe.waits();
            });
        } catch (SchemaException e) {
            return "not installed: " + e.getMessage()
                    + " (see docs/change-feed.md in the project, 'Changes made in the app')";
        }
    }
}
