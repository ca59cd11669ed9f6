package dev.appusers.keycloak.changes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.appusers.keycloak.jdbc.ChangeTable.Change;

class ChangeCursorTest {

    static final long NOW = 1_000_000L;

    static List<Change> changes(long... seqs) {
        List<Change> changes = new ArrayList<>();
        for (long seq : seqs) {
            changes.add(new Change(seq, "u" + seq));
        }
        return changes;
    }

    @Test
    void readsFromItsOwnRowAndReportsOnlyNewChanges() {
        ChangeCursor cursor = new ChangeCursor(10);
        assertThat(cursor.readFrom(NOW)).isEqualTo(10);

        ChangeCursor.Outcome outcome = cursor.advance(changes(10, 11, 12), true, NOW);

        assertThat(outcome.userIds()).containsExactly("u11", "u12");
        assertThat(outcome.everyone()).isFalse();
        assertThat(cursor.position()).isEqualTo(12);
        assertThat(cursor.advance(changes(12), true, NOW).userIds()).isEmpty();
    }

    @Test
    void anEmptyTableAtStartAcceptsAnyFirstRow() {
        ChangeCursor cursor = new ChangeCursor(0);

        ChangeCursor.Outcome outcome = cursor.advance(changes(5000), true, NOW);

        assertThat(outcome.userIds()).containsExactly("u5000");
        assertThat(outcome.everyone()).isFalse();
    }

    @Test
    void aNumberCommittedLateIsStillReported() {
        ChangeCursor cursor = new ChangeCursor(10);
        cursor.advance(changes(10, 12), true, NOW);
        assertThat(cursor.readFrom(NOW)).as("11 is read again").isEqualTo(11);

        ChangeCursor.Outcome late = cursor.advance(changes(11, 12, 13), true, NOW);

        assertThat(late.userIds()).containsExactly("u11", "u13");
        assertThat(cursor.readFrom(NOW)).isEqualTo(13);
    }

    @Test
    void aGapIsGivenUpAfterItsWait() {
        ChangeCursor cursor = new ChangeCursor(10);
        cursor.advance(changes(10, 12), true, NOW);

        assertThat(cursor.readFrom(NOW + ChangeCursor.GAP_WAIT_NANOS + 1)).isEqualTo(12);
        assertThat(cursor.openGaps()).isZero();
    }

    @Test
    void aLargeJumpIsNotARunOfGaps() {
        ChangeCursor cursor = new ChangeCursor(10);
        cursor.advance(changes(10, 10 + ChangeCursor.MAX_GAPS + 5), true, NOW);

        assertThat(cursor.openGaps()).isZero();
    }

    @Test
    void aPrunedCursorRowMeansChangesMayBeLost() {
        ChangeCursor cursor = new ChangeCursor(10);

        ChangeCursor.Outcome outcome = cursor.advance(changes(500, 501), true, NOW);

        assertThat(outcome.everyone()).isTrue();
        assertThat(cursor.position()).isEqualTo(501);
        assertThat(cursor.advance(changes(501, 502), true, NOW).everyone()).as("once").isFalse();
    }

    @Test
    void aNullUserIdMeansEveryUser() {
        ChangeCursor cursor = new ChangeCursor(1);

        ChangeCursor.Outcome outcome = cursor.advance(List.of(new Change(1, "u1"), new Change(2, null)), true, NOW);

        assertThat(outcome.everyone()).isTrue();
    }

    @Test
    void aPageCutBeforeTheCursorDecidesNothing() {
        ChangeCursor cursor = new ChangeCursor(10);
        cursor.advance(changes(10, 13), true, NOW);

        ChangeCursor.Outcome outcome = cursor.advance(changes(11), false, NOW);

        assertThat(outcome.userIds()).containsExactly("u11");
        assertThat(outcome.everyone()).isFalse();
    }
}
