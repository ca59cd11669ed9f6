package dev.appusers.keycloak.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import dev.appusers.keycloak.jdbc.OpenTransactions;

class ChangeWindowTest {

    static final Timestamp LAST_SYNC = Timestamp.valueOf("2026-12-10 12:00:00");
    static final Duration HOUR = Duration.ofHours(1);

    static Optional<SyncStarts.SyncStart> started(String time, OpenTransactions open) {
        return Optional.of(new SyncStarts.SyncStart(Timestamp.valueOf(time).toInstant(), open));
    }

    @Test
    void withoutAStartOfItsOwnTheSyncReadsFromKeycloaksLastSyncLessTheHorizon() {
        ChangeWindow.Bounds bounds = ChangeWindow.of(LAST_SYNC, Optional.empty(), HOUR, false);

        assertThat(bounds.rowsSince()).isEqualTo(Timestamp.valueOf("2026-12-10 11:00:00"));
        assertThat(bounds.tableSince()).isEqualTo(bounds.rowsSince());
        assertThat(bounds.fromTxid()).isNull();
        assertThat(bounds.basis()).contains("Keycloak's last sync", "horizon PT1H");
    }

    @Test
    void thisNodesPreviousStartComesBeforeKeycloaksLastSyncWhichIsTheTimeTheSyncEnded() {
        ChangeWindow.Bounds bounds = ChangeWindow.of(LAST_SYNC,
                started("2026-12-10 11:40:00", OpenTransactions.unknown()), HOUR, false);

        assertThat(bounds.rowsSince()).isEqualTo(Timestamp.valueOf("2026-12-10 10:40:00"));
        assertThat(bounds.basis()).contains("this node's previous sync start");
    }

    @Test
    void aStartNewerThanKeycloaksLastSyncIsNotTrustedOverIt() {
        ChangeWindow.Bounds bounds = ChangeWindow.of(LAST_SYNC,
                started("2026-12-10 12:30:00", OpenTransactions.of(OptionalLong.empty(), Optional.of(Duration.ZERO))),
                HOUR, false);

        assertThat(bounds.rowsSince()).isEqualTo(Timestamp.valueOf("2026-12-10 11:00:00"));
    }

    @Test
    void mariadbsOldestOpenTransactionTightensTheBoundToItsStartLessTheOverlap() {
        ChangeWindow.Bounds none = ChangeWindow.of(LAST_SYNC,
                started("2026-12-10 11:40:00", OpenTransactions.of(OptionalLong.empty(), Optional.of(Duration.ZERO))),
                HOUR, false);
        ChangeWindow.Bounds open = ChangeWindow.of(LAST_SYNC, started("2026-12-10 11:40:00",
                OpenTransactions.of(OptionalLong.empty(), Optional.of(Duration.ofMinutes(5)))), HOUR, false);

        assertThat(none.rowsSince()).isEqualTo(Timestamp.valueOf("2026-12-10 11:39:50"));
        assertThat(none.tableSince()).isEqualTo(none.rowsSince());
        assertThat(open.rowsSince()).isEqualTo(Timestamp.valueOf("2026-12-10 11:34:50"));
    }

    @Test
    void aTransactionOpenLongerThanTheHorizonNeverLoosensTheBound() {
        ChangeWindow.Bounds bounds = ChangeWindow.of(LAST_SYNC, started("2026-12-10 11:40:00",
                OpenTransactions.of(OptionalLong.empty(), Optional.of(Duration.ofHours(5)))), HOUR, false);

        assertThat(bounds.rowsSince()).isEqualTo(Timestamp.valueOf("2026-12-10 10:40:00"));
    }

    @Test
    void postgresXminReadsTheChangeTableByTransactionAndTheRowsFromThePreviousStart() {
        Optional<SyncStarts.SyncStart> previous = started("2026-12-10 11:40:00",
                OpenTransactions.of(OptionalLong.of(4711), Optional.empty()));

        ChangeWindow.Bounds bounds = ChangeWindow.of(LAST_SYNC, previous, HOUR, true);
        ChangeWindow.Bounds noTxidColumn = ChangeWindow.of(LAST_SYNC, previous, HOUR, false);

        assertThat(bounds.fromTxid()).isEqualTo(4711L);
        assertThat(bounds.rowsSince()).isEqualTo(Timestamp.valueOf("2026-12-10 11:39:50"));
        assertThat(bounds.tableSince()).as("the table is trusted only back to the horizon")
                .isEqualTo(Timestamp.valueOf("2026-12-10 10:40:00"));
        assertThat(noTxidColumn.fromTxid()).isNull();
        assertThat(noTxidColumn.rowsSince()).isEqualTo(Timestamp.valueOf("2026-12-10 10:40:00"));
    }

    @Test
    void aHorizonShorterThanTheOverlapKeepsTheOverlap() {
        assertThat(ChangeWindow.of(LAST_SYNC, Optional.empty(), Duration.ofSeconds(1), false).rowsSince())
                .isEqualTo(Timestamp.valueOf("2026-12-10 11:59:50"));
    }

    @Test
    void aTableWhoseOldestRowIsAtOrBeforeTheBoundIsTrusted() {
        ChangeWindow.Bounds bounds = ChangeWindow.of(LAST_SYNC, Optional.empty(), HOUR, false);

        assertThat(ChangeWindow.untrusted("changes", bounds, Optional.of(Timestamp.valueOf("2026-12-10 10:00:00"))))
                .isEmpty();
        assertThat(ChangeWindow.untrusted("changes", bounds, Optional.of(bounds.tableSince()))).isEmpty();
    }

    @Test
    void aTableWhoseOldestRowIsNewerMayHaveLostChanges() {
        ChangeWindow.Bounds bounds = ChangeWindow.of(LAST_SYNC, Optional.empty(), HOUR, false);

        Optional<String> reason = ChangeWindow.untrusted("changes", bounds,
                Optional.of(Timestamp.valueOf("2026-12-10 11:00:01")));

        assertThat(reason).hasValueSatisfying(text -> assertThat(text)
                .contains("oldest change kept in changes", "2026-12-10 11:00:01", "may have been pruned"));
    }

    @Test
    void anEmptyTableLostNothing() {
        assertThat(ChangeWindow.untrusted("changes", ChangeWindow.of(LAST_SYNC, Optional.empty(), HOUR, false),
                Optional.empty())).isEmpty();
    }

    @Test
    void aChangeForEveryoneSaysWhichTable() {
        assertThat(ChangeWindow.everyone("changes")).startsWith("changes records a change for every user");
    }

    @Test
    void theNewestFinishedStartIsKept() {
        String component = "component-" + System.nanoTime();
        SyncStarts.SyncStart older = new SyncStarts.SyncStart(Instant.parse("2026-12-10T11:00:00Z"),
                OpenTransactions.unknown());
        SyncStarts.SyncStart newer = new SyncStarts.SyncStart(Instant.parse("2026-12-10T11:30:00Z"),
                OpenTransactions.unknown());

        SyncStarts.finished(component, newer);
        SyncStarts.finished(component, older);

        assertThat(SyncStarts.lastFinished(component)).contains(newer);
        assertThat(SyncStarts.lastFinished("another-" + component)).isEmpty();
    }
}
