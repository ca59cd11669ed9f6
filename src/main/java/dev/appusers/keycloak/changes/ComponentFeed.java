package dev.appusers.keycloak.changes;

import java.util.List;

import org.jboss.logging.Logger;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

import dev.appusers.keycloak.config.AppUsersConfig;
import dev.appusers.keycloak.jdbc.AppDatabase;
import dev.appusers.keycloak.jdbc.ChangeTable;
import dev.appusers.keycloak.jdbc.ChangeTable.Change;
import dev.appusers.keycloak.jdbc.SchemaException;
import dev.appusers.keycloak.jdbc.StoreUnavailable;

/**
 * The change feed of one app-users component on this node: its change table, its cursor (in memory, started at the
 * table's newest row when the component is first seen here), and what one poll does. A poll that cannot reach the
 * database keeps the cursor, so the next one that can evicts every user changed meanwhile; each outage is logged
 * once when it starts and once when it ends.
 */
final class ComponentFeed {

    private static final Logger LOG = Logger.getLogger(ComponentFeed.class);
    static final int PAGE = 500;

    private final String name;
    private String tableKey;
    private ChangeTable table;
    private ChangeCursor cursor;
    /** The change table was not there: looked for again when the component is saved, or on restart. */
    private boolean missing;
    private String outage;
    private String lastFailure;

    ComponentFeed(String name) {
        this.name = name;
    }

    /** Resolves the table and starts the cursor if not done yet; a poll if already started. */
    synchronized void poll(KeycloakSession session, RealmModel realm, ComponentModel model, long now) {
        AppUsersConfig config = AppUsersConfig.from(model);
        String key = config.datasource() + "/" + config.dbSchema().orElse("") + "/" + config.changeTable().orElse("");
        if (!key.equals(tableKey)) {
            tableKey = key;
            table = null;
            cursor = null;
            missing = false;
        }
        if (config.changeTable().isEmpty() || missing) {
            return;
        }
        AppDatabase database = new AppDatabase(session, config.datasource());
        try {
            if (table == null && !resolve(database, config)) {
                return;
            }
            if (cursor == null) {
                cursor = new ChangeCursor(database.run("reading the change table", table::latest));
                LOG.debugf("Change feed of %s starts after change %d of %s", name, cursor.position(), table.name());
                return;
            }
            long from = cursor.readFrom(now);
            List<Change> page = database.run("reading the change table", c -> table.from(c, from, PAGE));
            ChangeCursor next = cursor.copy();
            ChangeCursor.Outcome outcome = next.advance(page, page.size() < PAGE, now);
            session.getContext().setRealm(realm);
            apply(session, realm, model, outcome);
            cursor = next; // only once applied: a failed eviction is tried again at the next poll
            lastFailure = null;
        } catch (RuntimeException e) {
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
                        + "can again", name, table == null ? "the change table" : table.name(), outage);
            }
        }
    }

    private boolean resolve(AppDatabase database, AppUsersConfig config) {
        try {
            table = database.run("finding the change table", c -> ChangeTable.resolve(c, config));
            return true;
        } catch (SchemaException e) {
            missing = true;
            outage = null;
            LOG.debugf("No change feed for %s: %s", name, e.getMessage());
            return false;
        }
    }

    private void apply(KeycloakSession session, RealmModel realm, ComponentModel model, ChangeCursor.Outcome outcome) {
        int evicted;
        if (outcome.everyone()) {
            UserEviction.evictRealm(session, realm);
            evicted = -1;
        } else {
            evicted = UserEviction.evict(session, realm, model, outcome.userIds());
        }
        if (outage != null) {
            LOG.infof("Change feed of %s reads %s again: %s", name, table.name(), evicted < 0
                    ? "the realm's user cache was cleared" : outcome.userIds().size() + " users changed meanwhile, "
                    + evicted + " of them cached here, evicted");
            outage = null;
        } else if (outcome.everyone()) {
            LOG.warnf("Change feed of %s: changes up to %d may have been pruned from %s before this node read them; "
                    + "the realm's user cache was cleared", name, outcome.cursor(), table.name());
        } else if (!outcome.userIds().isEmpty()) {
            LOG.debugf("Change feed of %s: %d users changed, %d cached here evicted, now at change %d", name,
                    outcome.userIds().size(), evicted, outcome.cursor());
        }
    }

    /** "active: ..." or "not installed: ..." for the admin form, checked on the live database. */
    static String status(KeycloakSession session, AppUsersConfig config) {
        if (config.changeTable().isEmpty()) {
            return "off: changeTable is empty";
        }
        try {
            ChangeTable found = new AppDatabase(session, config.datasource()).run("finding the change table",
                    c -> ChangeTable.resolve(c, config));
            return "active: " + found.name() + " polled every 1 s";
        } catch (SchemaException e) {
            return "not installed: " + e.getMessage() + " (see the README, 'Changes made in the app')";
        }
    }
}
