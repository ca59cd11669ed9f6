package dev.appusers.keycloak.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class UserTotalTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AtomicInteger counts = new AtomicInteger();
    private final UserTotal total = new UserTotal(now::get);

    private int count(int users) {
        return total.get(() -> {
            counts.incrementAndGet();
            return users;
        });
    }

    @Test
    void smallTablesAreCountedEveryTime() {
        assertThat(count(99_999)).isEqualTo(99_999);
        assertThat(count(100)).isEqualTo(100);
        assertThat(counts).hasValue(2);
    }

    @Test
    void aLargeTablesCountIsReusedForThirtySeconds() {
        assertThat(count(1_000_000)).isEqualTo(1_000_000);
        now.addAndGet(UserTotal.REUSE.toNanos() - 1);
        assertThat(count(1_000_001)).isEqualTo(1_000_000);
        assertThat(counts).hasValue(1);

        now.addAndGet(1);
        assertThat(count(1_000_002)).isEqualTo(1_000_002);
        assertThat(counts).hasValue(2);
    }

    @Test
    void addingOrRemovingThroughKeycloakCountsAgain() {
        count(500_000);
        total.forget();
        assertThat(count(500_001)).isEqualTo(500_001);
        assertThat(counts).hasValue(2);
    }

    @Test
    void aTableThatShrankBelowTheThresholdIsCountedLiveAgain() {
        count(200_000);
        now.addAndGet(UserTotal.REUSE.toNanos());
        assertThat(count(10)).isEqualTo(10);
        assertThat(count(11)).isEqualTo(11);
        assertThat(counts).hasValue(3);
    }
}
