package dev.appusers.keycloak.sync;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;

import dev.appusers.keycloak.jdbc.ChangeTable;
import dev.appusers.keycloak.jdbc.SchemaException;
import dev.appusers.keycloak.metrics.DbOperation;
import dev.appusers.keycloak.store.AppUserStore;

/**
 * Decides what one "Sync changed users" reads ({@link ChangeWindow}): from when the last-modified column, and which
 * users the change table names; or why a full sync runs instead. One read of the app database: the change table's
 * retention (the horizon), its oldest row kept and the users it records.
 */
final class ChangePlanner {

    private static final Logger LOG = Logger.getLogger(ChangePlanner.class);

    /** The rows a changed sync reads, or why a full sync runs instead. */
    record ChangePlan(Timestamp rowsSince, List<String> userIds, String fullSyncReason) {
    }

    private ChangePlanner() {
    }

    static ChangePlan plan(KeycloakSession session, AppUserStore app, String componentName, Timestamp lastSync,
                           Optional<SyncStarts.SyncStart> previous) {
        if (app.config().changeTable().isEmpty()) {
            return withoutTable(componentName, lastSync, previous);
        }
        return app.database().run(DbOperation.SYNC_PAGE, "reading the change table to sync", c -> {
            ChangeTable table;
            try {
                table = ChangeTable.resolve(c, app.config());
            } catch (SchemaException e) {
                LOG.debugf("Changed users sync of %s reads %s only: %s", componentName,
                        app.config().lastModifiedColumn().orElse("the last-modified column"), e.getMessage());
                return withoutTable(componentName, lastSync, previous);
            }
            ChangeWindow.Bounds bounds = ChangeWindow.of(lastSync, previous, table.retention(c),
                    table.recordsTimes() && table.recordsTransactions());
            if (!table.recordsTimes()) {
                LOG.debugf("Changed users sync of %s: %s has no %s column; rows changed since %s (%s)", componentName,
                        table.name(), ChangeTable.CHANGED_AT_COLUMN, bounds.rowsSince(), bounds.basis());
                return new ChangePlan(bounds.rowsSince(), List.of(), null);
            }
            Optional<String> untrusted = ChangeWindow.untrusted(table.name(), bounds, table.oldestKept(c));
            if (untrusted.isPresent()) {
                return new ChangePlan(null, List.of(), untrusted.get());
            }
            ChangeTable.ChangedUsers changed = table.changedSince(c, bounds.tableSince(), bounds.fromTxid());
            if (changed.everyone()) {
                return new ChangePlan(null, List.of(), ChangeWindow.everyone(table.name()));
            }
            LOG.debugf("Changed users sync of %s: %d users in %s, and rows changed since %s (%s)", componentName,
                    changed.userIds().size(), table.name(), bounds.rowsSince(), bounds.basis());
            return new ChangePlan(bounds.rowsSince(), List.copyOf(changed.userIds()), null);
        });
    }

    /** No change table to ask: the last-modified column from the previous start less the default horizon. */
    private static ChangePlan withoutTable(String componentName, Timestamp lastSync,
                                           Optional<SyncStarts.SyncStart> previous) {
        ChangeWindow.Bounds bounds = ChangeWindow.of(lastSync, previous, ChangeTable.DEFAULT_RETENTION, false);
        LOG.debugf("Changed users sync of %s: rows changed since %s (%s)", componentName, bounds.rowsSince(),
                bounds.basis());
        return new ChangePlan(bounds.rowsSince(), List.of(), null);
    }
}
