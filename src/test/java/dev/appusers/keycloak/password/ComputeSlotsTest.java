package dev.appusers.keycloak.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The shared hashing limiter waits a bounded time, lets a bounded number wait, and never waits forever. */
class ComputeSlotsTest {

    private static long millisSince(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    @Test
    void aCallerFindingEverySlotTakenIsRefusedAfterTheBoundedWait() {
        ComputeSlots slots = new ComputeSlots(2, 4, 300);
        ComputeSlots.Slot first = slots.acquire();
        ComputeSlots.Slot second = slots.acquire();

        long start = System.nanoTime();
        assertThatThrownBy(slots::acquire).isInstanceOf(VerificationBusyException.class)
                .hasMessage("no password hashing slot came free within 300 ms (all 2 taken)");
        assertThat(millisSince(start)).as("the bounded wait of 300 ms").isBetween(250L, 5000L);

        first.close();
        first.close(); // a second close gives nothing back twice
        slots.acquire().close();
        second.close();
        ComputeSlots.Slot a = slots.acquire();
        ComputeSlots.Slot b = slots.acquire();
        assertThatThrownBy(slots::acquire).isInstanceOf(VerificationBusyException.class);
        a.close();
        b.close();
    }

    @Test
    void aWaiterGetsTheSlotAsSoonAsItIsFreed() throws Exception {
        ComputeSlots slots = new ComputeSlots(1, 1, 5000);
        ComputeSlots.Slot held = slots.acquire();
        CompletableFuture<Long> waiter = CompletableFuture.supplyAsync(() -> {
            long start = System.nanoTime();
            slots.acquire().close();
            return millisSince(start);
        });
        Thread.sleep(100);
        held.close();

        assertThat(waiter.get(5, TimeUnit.SECONDS)).isBetween(50L, 3000L);
    }

    @Test
    void beyondTheWaitingBoundACallerIsRefusedAtOnce() throws Exception {
        ComputeSlots slots = new ComputeSlots(1, 1, 10_000);
        ComputeSlots.Slot held = slots.acquire();
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> {
            waiting.countDown();
            slots.acquire().close();
        });
        waiting.await();
        Thread.sleep(100); // the waiter is now inside its bounded wait

        long start = System.nanoTime();
        assertThatThrownBy(slots::acquire).isInstanceOf(VerificationBusyException.class)
                .hasMessage("all 1 password hashing slots are taken and 1 callers already wait");
        assertThat(millisSince(start)).as("refused at once, not after the 10 s wait").isLessThan(5000L);

        held.close();
        waiter.get(5, TimeUnit.SECONDS);
    }

    @Test
    void anInterruptedWaiterIsRefusedAndKeepsItsInterrupt() throws Exception {
        ComputeSlots slots = new ComputeSlots(1, 1, 10_000);
        ComputeSlots.Slot held = slots.acquire();
        CompletableFuture<Boolean> interruptedAfter = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try {
                slots.acquire();
                interruptedAfter.complete(false);
            } catch (VerificationBusyException e) {
                interruptedAfter.complete(Thread.currentThread().isInterrupted());
            }
        });
        waiter.start();
        Thread.sleep(100);
        waiter.interrupt();

        assertThat(interruptedAfter.get(5, TimeUnit.SECONDS)).isTrue();
        held.close();
    }

    @Test
    void aVerificationFindingTheLimiterFullIsBusyAfterTheBoundedWait() {
        ComputeSlots slots = new ComputeSlots(1, 4, 300);
        CostLimits limits = CostLimits.defaults().withGuards(slots, MemoryBudget.shared());
        HashSamples.Sample sample = HashSamples.byPassword("carol-Secret-3");
        PasswordSchemes schemes = PasswordSchemes.defaults();
        assertThat(schemes.check(sample.password(), sample.hash(), limits).verification())
                .isEqualTo(Verification.MATCH);

        try (ComputeSlots.Slot held = slots.acquire()) {
            for (HashSamples.Sample any : HashSamples.all()) {
                long start = System.nanoTime();
                Verdict verdict = schemes.check(any.password(), any.hash(), limits);
                assertThat(verdict.verification()).as(any.toString()).isEqualTo(Verification.BUSY);
                assertThat(verdict.reason()).isEqualTo("no password hashing slot came free within 300 ms (all 1 taken)");
                assertThat(millisSince(start)).as("the bounded wait of 300 ms").isBetween(250L, 5000L);
            }
        }
        assertThat(schemes.check(sample.password(), sample.hash(), limits).verification())
                .isEqualTo(Verification.MATCH);
    }

    @Test
    void theSharedLimiterHasOneSlotPerProcessorWaitsFiveSecondsAndHoldsAtMostHalfTheWorkerPool() {
        int processors = Runtime.getRuntime().availableProcessors();
        assertThat(ComputeSlots.shared().slots()).isEqualTo(processors);
        assertThat(ComputeSlots.shared().waitNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(5));
        // outside Keycloak the pool cannot be read: Keycloak's default for this machine
        assertThat(ComputeSlots.shared().maxWaiting())
                .isEqualTo(ComputeSlots.maxWaiting(WorkerThreads.keycloakDefault(processors), processors));
    }

    @ParameterizedTest(name = "{0} processors, pool {1}: {2} waiters")
    @CsvSource({
        // Keycloak's default pool: the greater of 4 per processor and 50
        "2, 50, 23", "4, 50, 21", "12, 50, 13", "13, 52, 13", "16, 64, 16", "48, 192, 48",
        // http-pool-max-threads set by the operator
        "2, 200, 98", "2, 10, 3", "16, 20, 1"})
    void slotsAndWaitersTogetherHoldAtMostHalfOfKeycloaksWorkerThreads(int processors, int pool, int waiters) {
        if (pool == Math.max(4 * processors, 50)) {
            assertThat(WorkerThreads.keycloakDefault(processors)).as("Keycloak's default pool").isEqualTo(pool);
        }
        assertThat(ComputeSlots.maxWaiting(pool, processors)).isEqualTo(waiters);
        if (pool / 2 > processors) {
            assertThat(processors + waiters).as("threads hashing or waiting").isLessThanOrEqualTo(pool / 2);
        }
    }

    @Test
    void onSixteenProcessorsWithKeycloaksDefaultPoolHalfTheWorkerThreadsStayFree() {
        int pool = WorkerThreads.keycloakDefault(16);
        int waiters = ComputeSlots.maxWaiting(pool, 16);
        assertThat(pool).isEqualTo(64);
        assertThat(16 + waiters).as("threads hashing or waiting, of 64").isEqualTo(32);
        assertThat(waiters).as("before: 8 waiters per processor, 128 waiters for 64 threads").isLessThan(128);
    }

    @Test
    void hashingANewPasswordWaitsLongerButAmongTheSameBoundedWaiters() throws Exception {
        ComputeSlots slots = new ComputeSlots(1, 1, 100);
        ComputeSlots hashing = slots.waitingFor(10_000);
        ComputeSlots.Slot held = slots.acquire();
        CompletableFuture<Void> hashed = CompletableFuture.runAsync(() -> hashing.acquire().close());
        Thread.sleep(300);
        assertThat(hashed).as("still waiting beyond the sign-in wait, not refused").isNotDone();
        assertThatThrownBy(slots::acquire).as("a sign-in finds the one waiter place taken")
                .isInstanceOf(VerificationBusyException.class)
                .hasMessage("all 1 password hashing slots are taken and 1 callers already wait");
        assertThatThrownBy(hashing::acquire).as("so does another new password")
                .isInstanceOf(VerificationBusyException.class);

        held.close();
        hashed.get(10, TimeUnit.SECONDS);
        slots.acquire().close(); // the one slot is back for everyone
    }

    @Test
    void anImmediateCallerNeverCountsAmongTheWaiters() throws Exception {
        ComputeSlots slots = new ComputeSlots(1, 1, 5_000);
        ComputeSlots.Slot held = slots.acquire();
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(slots.immediate()::acquire).isInstanceOf(VerificationBusyException.class)
                    .hasMessage("all 1 password hashing slots are taken");
        }
        CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> slots.acquire().close());
        Thread.sleep(100);
        held.close();
        waiter.get(5, TimeUnit.SECONDS);
    }
}
