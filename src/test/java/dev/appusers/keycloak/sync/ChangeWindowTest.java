package dev.appusers.keycloak.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ChangeWindowTest {

    static final Timestamp LAST_SYNC = Timestamp.valueOf("2026-12-10 12:00:00");
    static final Timestamp FROM = ChangeWindow.from(LAST_SYNC);

    @Test
    void theTableIsReadFromALittleBeforeTheLastSync() {
        assertThat(FROM).isEqualTo(Timestamp.valueOf("2026-12-10 11:59:50"));
    }

    @Test
    void aTableWhoseOldestRowIsAtOrBeforeTheWindowIsTrusted() {
        assertThat(ChangeWindow.untrusted("changes", FROM, Optional.of(Timestamp.valueOf("2026-12-10 11:00:00"))))
                .isEmpty();
        assertThat(ChangeWindow.untrusted("changes", FROM, Optional.of(FROM))).isEmpty();
    }

    @Test
    void aTableWhoseOldestRowIsNewerMayHaveLostChanges() {
        Optional<String> reason = ChangeWindow.untrusted("changes", FROM,
                Optional.of(Timestamp.valueOf("2026-12-10 11:59:51")));

        assertThat(reason).hasValueSatisfying(text -> assertThat(text)
                .contains("oldest change kept in changes", "2026-12-10 11:59:51", "may have been pruned"));
    }

    @Test
    void anEmptyTableLostNothing() {
        assertThat(ChangeWindow.untrusted("changes", FROM, Optional.empty())).isEmpty();
    }

    @Test
    void aChangeForEveryoneSaysWhichTable() {
        assertThat(ChangeWindow.everyone("changes")).startsWith("changes records a change for every user");
    }
}
