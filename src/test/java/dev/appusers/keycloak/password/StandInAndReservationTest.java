package dev.appusers.keycloak.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/**
 * An unknown username's stand-in ({@link CostLimits#occupy}) queues, holds and is refused exactly where a verification
 * does; a registration's reservation ({@link CostLimits#reserve}) is refused before, and hashes after, without waiting
 * twice.
 */
class StandInAndReservationTest {

    private final PasswordSchemes schemes = PasswordSchemes.defaults();
    private final HashSamples.Sample sample = HashSamples.byPassword("carol-Secret-3");

    @Test
    void beyondTheWaiterBoundAStandInIsRefusedWithTheVerificationsReason() throws Exception {
        ComputeSlots slots = new ComputeSlots(1, 1, 5_000);
        CostLimits limits = CostLimits.defaults().withGuards(slots, MemoryBudget.shared());
        ComputeSlots.Slot held = slots.acquire();
        CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> limits.occupy("argon2", 0, 0));
        Thread.sleep(200); // the one waiter place is taken

        Verdict verification = schemes.check(sample.password(), sample.hash(), limits);
        assertThat(verification.verification()).isEqualTo(Verification.BUSY);
        assertThatThrownBy(() -> limits.occupy("argon2", 0, 0)).isInstanceOf(VerificationBusyException.class)
                .hasMessage(verification.reason());

        held.close();
        waiter.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aStandInHoldsTheSlotAndItsMemoryForTheGivenTimeWithoutComputing() throws Exception {
        ComputeSlots slots = new ComputeSlots(1, 4, 5_000);
        MemoryBudget memory = new MemoryBudget(1024, 2048L * 1024);
        CostLimits limits = CostLimits.defaults().withGuards(slots, memory);
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Void> standIn = CompletableFuture.runAsync(() -> {
            started.countDown();
            limits.occupy("argon2", 1024, TimeUnit.MILLISECONDS.toNanos(600));
        });
        started.await();
        Thread.sleep(150);

        assertThatThrownBy(slots.immediate()::acquire).as("the slot is held").isInstanceOf(
                VerificationBusyException.class);
        assertThatThrownBy(() -> memory.reserve("argon2", "memory m", 1, 0)).as("the memory is held")
                .isInstanceOf(VerificationBusyException.class);
        standIn.get(5, TimeUnit.SECONDS);
        slots.immediate().acquire().close();
        memory.reserve("argon2", "memory m", 1024, 0).close();
    }

    @Test
    void anObserverIsToldTheComputationNotTheWaitForTheSlot() throws Exception {
        ComputeSlots slots = new ComputeSlots(1, 4, 5_000);
        AtomicLong observed = new AtomicLong(-1);
        CostLimits limits = CostLimits.defaults().withGuards(slots, MemoryBudget.shared()).observing(observed::set);
        ComputeSlots.Slot held = slots.acquire();
        CompletableFuture<Void> release = CompletableFuture.runAsync(() -> {
            sleep(400);
            held.close();
        });
        long start = System.nanoTime();
        limits.occupy("argon2", 0, TimeUnit.MILLISECONDS.toNanos(50));
        long total = System.nanoTime() - start;
        release.get(5, TimeUnit.SECONDS);

        assertThat(observed.get()).as("the 50 ms held").isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
        assertThat(total - observed.get()).as("the wait for the slot is left out")
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
    }

    @Test
    void aReservationIsRefusedAsBusyWhereAComputationWouldBeAndHashesLaterWithoutWaitingAgain() {
        ComputeSlots slots = new ComputeSlots(1, 0, 200);
        CostLimits hashing = CostLimits.defaults().withGuards(slots, MemoryBudget.shared());
        HashingScheme scheme = PasswordSchemes.hashingScheme("pbkdf2-sha256", java.util.Map.of("rounds", "1000"));

        HashingReservation reserved = hashing.reserve(scheme.id(), scheme.memoryKib());
        assertThatThrownBy(() -> hashing.reserve(scheme.id(), 0)).as("the one slot is reserved")
                .isInstanceOf(VerificationBusyException.class);
        assertThatThrownBy(() -> scheme.hash("x", hashing)).as("and no other computation gets it")
                .isInstanceOf(VerificationBusyException.class);

        CostLimits reservedLimits = hashing.using(reserved);
        String first = scheme.hash("Reserved-Secret-1", reservedLimits);
        String second = scheme.hash("Reserved-Secret-2", reservedLimits);
        assertThat(schemes.verify("Reserved-Secret-1", first)).isEqualTo(Verification.MATCH);
        assertThat(schemes.verify("Reserved-Secret-2", second)).isEqualTo(Verification.MATCH);

        reserved.close();
        reserved.close(); // once
        assertThat(schemes.verify("x", scheme.hash("x", reservedLimits))).as("closed: a slot is taken as usual")
                .isEqualTo(Verification.MATCH);
        slots.acquire().close(); // and given back
    }

    @Test
    void argon2ReservesItsMemoryAndOthersNone() {
        assertThat(PasswordSchemes.hashingScheme("argon2", null).memoryKib()).isEqualTo(102_400);
        assertThat(PasswordSchemes.hashingScheme("bcrypt", null).memoryKib()).isZero();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
