package dev.appusers.keycloak.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;

/** Lanes run once each, failures reach the caller, and concurrent computations do not disturb each other. */
class LaneRunnerTest {

    @Test
    void everyLaneRunsExactlyOnce() {
        for (boolean parallel : new boolean[] {false, true}) {
            AtomicIntegerArray runs = new AtomicIntegerArray(37);
            LaneRunner.runLanes(37, parallel, runs::incrementAndGet);
            for (int lane = 0; lane < 37; lane++) {
                assertThat(runs.get(lane)).as("lane %d", lane).isEqualTo(1);
            }
        }
    }

    @Test
    void aFailingLaneFailsTheCall() {
        assertThatThrownBy(() -> LaneRunner.runLanes(8, true, lane -> {
            if (lane == 5) {
                throw new IllegalStateException("lane five");
            }
        })).isInstanceOf(IllegalStateException.class).hasMessage("lane five");
    }

    @Test
    void concurrentComputationsGiveTheSequentialResult() throws Exception {
        byte[] salt = "saltsaltsaltsalt".getBytes(StandardCharsets.US_ASCII);
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<byte[]>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                byte[] password = ("pw" + (i % 2)).getBytes(StandardCharsets.US_ASCII);
                results.add(callers.submit(() -> Argon2Engine.derive(Argon2Engine.ARGON2_ID,
                        Argon2Engine.VERSION_13, 1024, 2, 8, password, salt, null, null, 16, true)));
            }
            for (int i = 0; i < results.size(); i++) {
                byte[] password = ("pw" + (i % 2)).getBytes(StandardCharsets.US_ASCII);
                assertThat(results.get(i).get()).isEqualTo(Argon2Engine.derive(Argon2Engine.ARGON2_ID,
                        Argon2Engine.VERSION_13, 1024, 2, 8, password, salt, null, null, 16, false));
            }
        } finally {
            callers.shutdownNow();
        }
    }
}
