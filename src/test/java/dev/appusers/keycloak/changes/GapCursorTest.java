package dev.appusers.keycloak.changes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.appusers.keycloak.jdbc.ChangeReads.Position;
import dev.appusers.keycloak.jdbc.ChangeTable.Change;

class GapCursorTest {

    static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");
    static final Duration RETENTION = Duration.ofHours(1);

    static List<Change> changes(long... seqs) {
        List<Change> changes = new ArrayList<>();
        for (long seq : seqs) {
            changes.add(new Change(seq, "u" + seq));
        }
        return changes;
    }

    static Position at(long seconds, long maxSeq, Long oldestOpenSeconds) {
        return new Position(T0.plusSeconds(seconds), maxSeq,
                Optional.ofNullable(oldestOpenSeconds).map(T0::plusSeconds), true);
    }

    static Position unknownOpen(long seconds, long maxSeq) {
        return new Position(T0.plusSeconds(seconds), maxSeq, Optional.empty(), false);
    }

    /** A cursor started on a table whose last row is 10, all numbers seen. */
    static GapCursor startedAt10() {
        GapCursor cursor = new GapCursor(10);
        FeedOutcome start = cursor.advance(at(0, 10, null), List.of(), changes(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), RETENTION);
        assertThat(start.userIds()).as("the start evicts no one").isEmpty();
        return cursor;
    }

    @Test
    void reportsNewRowsOnce() {
        GapCursor cursor = startedAt10();

        assertThat(cursor.advance(at(1, 12, null), List.of(), changes(11, 12), RETENTION).userIds())
                .containsExactly("u11", "u12");
        assertThat(cursor.advance(at(2, 12, null), List.of(), List.of(), RETENTION).userIds()).isEmpty();
    }

    @Test
    void aNumberCommittedLateIsReportedWhenItAppears() {
        GapCursor cursor = startedAt10();
        cursor.advance(at(1, 13, 0L), List.of(), changes(11, 13), RETENTION);
        assertThat(cursor.gaps()).containsExactly(12L);

        for (int second = 2; second < 60; second++) {
            assertThat(cursor.advance(at(second, 13, 0L), List.of(), List.of(), RETENTION).userIds()).isEmpty();
        }
        FeedOutcome late = cursor.advance(at(60, 13, 0L), changes(12), List.of(), RETENTION);

        assertThat(late.userIds()).containsExactly("u12");
        assertThat(cursor.gaps()).isEmpty();
    }

    @Test
    void aGapIsDroppedOnceEveryTransactionOpenWhenItWasFoundHasEnded() {
        GapCursor cursor = startedAt10();
        cursor.advance(at(1, 13, 0L), List.of(), changes(11, 13), RETENTION); // 12 missing, found at 1
        cursor.advance(at(2, 13, 0L), List.of(), List.of(), RETENTION); // stamped 2; a transaction open since 0
        assertThat(cursor.gaps()).containsExactly(12L);

        cursor.advance(at(3, 13, 2L), List.of(), List.of(), RETENTION); // the oldest open one started at 2: not later
        assertThat(cursor.gaps()).containsExactly(12L);

        cursor.advance(at(4, 13, 3L), List.of(), List.of(), RETENTION); // started after the stamp
        assertThat(cursor.gaps()).isEmpty();
    }

    @Test
    void aGapFoundByAPollIsNeverDroppedByThatPoll() {
        GapCursor cursor = startedAt10();
        cursor.advance(at(1, 13, null), List.of(), changes(11, 13), RETENTION);

        assertThat(cursor.gaps()).as("no transaction open, yet its number was found after the position").contains(12L);
    }

    @Test
    void withoutSightOfOpenTransactionsAGapIsWaitedForTheRetention() {
        GapCursor cursor = startedAt10();
        cursor.advance(unknownOpen(1, 13), List.of(), changes(11, 13), RETENTION);
        cursor.advance(unknownOpen(2, 13), List.of(), List.of(), RETENTION);

        FeedOutcome before = cursor.advance(unknownOpen(3_601, 13), List.of(), List.of(), RETENTION);
        assertThat(cursor.gaps()).containsExactly(12L);
        FeedOutcome after = cursor.advance(unknownOpen(3_603, 13), List.of(), List.of(), RETENTION);

        assertThat(cursor.gaps()).isEmpty();
        assertThat(before.givenUp()).isEmpty();
        assertThat(after.givenUp()).as("nothing known to be open: not reported").isEmpty();
    }

    @Test
    void aGapHeldByATransactionOlderThanTheRetentionIsGivenUpAndReported() {
        GapCursor cursor = startedAt10();
        cursor.advance(at(1, 13, 0L), List.of(), changes(11, 13), RETENTION);
        cursor.advance(at(2, 13, 0L), List.of(), List.of(), RETENTION);

        FeedOutcome outcome = cursor.advance(at(3_603, 13, 0L), List.of(), List.of(), RETENTION);

        assertThat(outcome.givenUp()).containsExactly(12L);
        assertThat(cursor.gaps()).isEmpty();
    }

    @Test
    void largeJumpsAreGapsToo() {
        GapCursor cursor = startedAt10();
        cursor.advance(at(1, 711, 0L), List.of(), changes(711), RETENTION);

        assertThat(cursor.gaps()).hasSize(700);
    }

    @Test
    void aStartOnAnEmptyTableWaitsOnlyBelowTheFirstRowsWindow() {
        GapCursor cursor = new GapCursor(0);
        cursor.advance(at(0, 0, null), List.of(), List.of(), RETENTION);

        FeedOutcome outcome = cursor.advance(at(1, 50_000, null), List.of(), changes(50_000), RETENTION);

        assertThat(outcome.userIds()).containsExactly("u50000");
        assertThat(cursor.gaps()).hasSize(GapCursor.START_WINDOW - 1);
    }

    @Test
    void numbersGoingBackAreNoticed() {
        GapCursor cursor = startedAt10();

        assertThat(cursor.wentBack(at(1, 10, null))).isFalse();
        assertThat(cursor.wentBack(at(1, 0, null))).isTrue();
        assertThat(cursor.wentBack(at(1, 3, null))).isTrue();
    }

    @Test
    void tooManyNumbersInFlightClearTheRealm() {
        GapCursor cursor = startedAt10();

        FeedOutcome outcome = cursor.advance(at(1, 300_000, 0L), List.of(), changes(300_000), RETENTION);

        assertThat(outcome.lostChanges()).isTrue();
        assertThat(cursor.gaps()).isEmpty();
    }
}
