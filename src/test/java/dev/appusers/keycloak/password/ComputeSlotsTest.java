package dev.appusers.keycloak.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

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
    void theSharedLimiterHasOneSlotPerProcessorAndWaitsFiveSeconds() {
        assertThat(ComputeSlots.shared().slots()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(ComputeSlots.shared().waitNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void hashingANewPasswordWaitsBeyondTheSignInBoundForTheSameSlots() throws Exception {
        ComputeSlots slots = new ComputeSlots(1, 0, 100);
        ComputeSlots patient = slots.patient(10_000);
        ComputeSlots.Slot held = slots.acquire();
        assertThatThrownBy(slots::acquire).as("a sign-in beyond the waiter bound").isInstanceOf(
                VerificationBusyException.class);
        CompletableFuture<Void> hashing = CompletableFuture.runAsync(() -> patient.acquire().close());
        Thread.sleep(300);
        assertThat(hashing).as("still waiting, not refused").isNotDone();

        held.close();
        hashing.get(10, TimeUnit.SECONDS);
        slots.acquire().close(); // the one slot is back for everyone
    }
}
