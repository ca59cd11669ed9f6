package dev.appusers.keycloak.changes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.appusers.keycloak.jdbc.ChangeReads.Snapshot;
import dev.appusers.keycloak.jdbc.ChangeTable.Change;

class SnapshotCursorTest {

    static Snapshot snapshot(long xmin, long xmax, long... open) {
        return new Snapshot(xmin, xmax, open);
    }

    static Change change(long seq, String user) {
        return new Change(seq, user);
    }

    @Test
    void asksNextForTheTransactionsItsSnapshotSawOpen() {
        SnapshotCursor cursor = new SnapshotCursor(snapshot(100, 105, 101, 103), "1/1");

        FeedOutcome outcome = cursor.advance(List.of(change(7, "a"), change(9, "b")), snapshot(103, 110, 103, 107),
                "1/1", true);

        assertThat(outcome.userIds()).containsExactly("a", "b");
        assertThat(outcome.everyone()).isFalse();
        assertThat(cursor.horizon()).isEqualTo(snapshot(103, 110, 103, 107));
    }

    @Test
    void aRowReadAgainByTheNextPollIsNotReportedTwice() {
        SnapshotCursor cursor = new SnapshotCursor(snapshot(100, 105), "1/1");
        cursor.advance(List.of(change(7, "a")), snapshot(105, 106), "1/1", true);

        FeedOutcome again = cursor.advance(List.of(change(7, "a"), change(8, "b")), snapshot(106, 107), "1/1", true);

        assertThat(again.userIds()).containsExactly("b");
    }

    @Test
    void aLateRowWithALowNumberIsReported() {
        SnapshotCursor cursor = new SnapshotCursor(snapshot(100, 105, 101), "1/1");
        cursor.advance(List.of(change(50, "new")), snapshot(101, 106, 101), "1/1", true);

        FeedOutcome late = cursor.advance(List.of(change(3, "late")), snapshot(106, 106), "1/1", true);

        assertThat(late.userIds()).containsExactly("late");
    }

    @Test
    void aTruncatedOrRecreatedTableClearsTheRealmOnceAndGoesOn() {
        SnapshotCursor cursor = new SnapshotCursor(snapshot(100, 105), "16384/16384");

        FeedOutcome truncated = cursor.advance(List.of(change(1, "a")), snapshot(105, 106), "16384/16400", true);
        FeedOutcome next = cursor.advance(List.of(change(2, "b")), snapshot(106, 107), "16384/16400", true);

        assertThat(truncated.lostChanges()).isTrue();
        assertThat(truncated.clearAll()).contains("truncated");
        assertThat(next.everyone()).isFalse();
        assertThat(next.userIds()).containsExactly("b");
    }

    @Test
    void transactionIdsGoingBackClearTheRealm() {
        SnapshotCursor cursor = new SnapshotCursor(snapshot(5_000, 5_010), "1/1");

        FeedOutcome restored = cursor.advance(List.of(), snapshot(700, 720), "1/1", true);

        assertThat(restored.lostChanges()).isTrue();
        assertThat(cursor.advance(List.of(), snapshot(720, 721), "1/1", true).everyone()).isFalse();
    }

    @Test
    void aReadCutAtItsLimitClearsTheRealm() {
        SnapshotCursor cursor = new SnapshotCursor(snapshot(100, 105), "1/1");

        assertThat(cursor.advance(List.of(change(1, "a")), snapshot(105, 106), "1/1", false).lostChanges()).isTrue();
    }

    @Test
    void aChangeForEveryUserClearsTheRealmWithoutAWarningAndAnUnreadableRowIsSkipped() {
        SnapshotCursor cursor = new SnapshotCursor(snapshot(100, 105), "1/1");

        FeedOutcome outcome = cursor.advance(List.of(change(1, null), new Change(2, null, false), change(3, "c")),
                snapshot(105, 106), "1/1", true);

        assertThat(outcome.everyone()).isTrue();
        assertThat(outcome.lostChanges()).isFalse();
        assertThat(outcome.unreadable()).containsExactly(2L);
        assertThat(outcome.userIds()).containsExactly("c");
    }
}
