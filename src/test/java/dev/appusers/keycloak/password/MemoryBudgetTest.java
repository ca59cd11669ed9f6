package dev.appusers.keycloak.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** Argon2 memory is reserved from a budget before anything is allocated; more than the budget is refused at once. */
class MemoryBudgetTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void theSharedBudgetIsHalfTheMaximumHeap() {
        long halfKib = Runtime.getRuntime().maxMemory() / 2 / 1024;
        assertThat((long) MemoryBudget.shared().capacityKib()).isEqualTo(Math.min(Integer.MAX_VALUE, halfKib));
        assertThat(MemoryBudget.ofHeap(512L * 1024 * 1024).capacityKib()).isEqualTo(262_144);
    }

    @Test
    void anArgon2HashWhoseMemoryExceedsTheBudgetIsRefusedWithoutAllocating() {
        // Keycloak's start-dev heap: 512 MiB, so a budget of 256 MiB; the hashes of the defect ask 1 and 2 GiB
        CostLimits limits = CostLimits.parse("argon2-work=2147483648")
                .withGuards(ComputeSlots.shared(), MemoryBudget.ofHeap(512L * 1024 * 1024));
        for (String m : new String[] {"1048576", "2097152", "262145"}) {
            String hash = "$argon2id$v=19$m=" + m + ",t=1,p=4$T4o17G06Yd44H7sAKIEFug$O3X4lU5wMP9mgVp7cmRgztLCtNjP+spwfvawWDdvt2Q";
            long allocated = THREADS.getCurrentThreadAllocatedBytes();

            Verdict verdict = PasswordSchemes.defaults().check("bob-Secret-2", hash, limits);

            assertThat(THREADS.getCurrentThreadAllocatedBytes() - allocated).isLessThan(1024 * 1024);
            assertThat(verdict.verification()).isEqualTo(Verification.OVER_LIMIT);
            assertThat(verdict.reason()).isEqualTo("argon2 memory m=" + m + " KiB is over the memory budget of "
                    + "262144 KiB (half of the 512 MiB maximum heap)");
        }
    }

    @Test
    void aHashWithinTheBudgetStillVerifies() {
        HashSamples.Sample sample = HashSamples.byPassword("bob-Secret-2"); // m=65536
        CostLimits exact = CostLimits.defaults().withGuards(ComputeSlots.shared(), new MemoryBudget(65536, 1L << 30));
        CostLimits small = CostLimits.defaults().withGuards(ComputeSlots.shared(), new MemoryBudget(65535, 1L << 30));

        assertThat(PasswordSchemes.defaults().verify(sample.password(), sample.hash())).isEqualTo(Verification.MATCH);
        assertThat(PasswordSchemes.defaults().check(sample.password(), sample.hash(), exact).verification())
                .isEqualTo(Verification.MATCH);
        assertThat(PasswordSchemes.defaults().check(sample.password(), sample.hash(), small).verification())
                .isEqualTo(Verification.OVER_LIMIT);
    }

    @Test
    void memoryHeldByOthersIsWaitedForABoundedTime() {
        MemoryBudget budget = new MemoryBudget(1024, 1L << 30);
        MemoryBudget.Reservation held = budget.reserve("argon2", "memory m", 800, 0);

        long start = System.nanoTime();
        assertThatThrownBy(() -> budget.reserve("argon2", "memory m", 500, TimeUnit.MILLISECONDS.toNanos(200)))
                .isInstanceOf(VerificationBusyException.class).hasMessageContaining("did not come free in time");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(150L, 5000L);

        budget.reserve("argon2", "memory m", 224, 0).close();
        held.close();
        held.close();
        budget.reserve("argon2", "memory m", 1024, 0).close();
    }

    @Test
    void aVerificationWaitingForMemoryIsBusyAfterTheBoundedWait() {
        MemoryBudget budget = new MemoryBudget(1024, 1L << 30);
        CostLimits limits = CostLimits.defaults().withGuards(new ComputeSlots(2, 2, 300), budget);
        HashSamples.Sample sample = HashSamples.byPassword("a2i-pw"); // m=1024
        try (MemoryBudget.Reservation held = budget.reserve("argon2", "memory m", 1, 0)) {
            Verdict verdict = PasswordSchemes.defaults().check(sample.password(), sample.hash(), limits);
            assertThat(verdict.verification()).isEqualTo(Verification.BUSY);
        }
        assertThat(PasswordSchemes.defaults().check(sample.password(), sample.hash(), limits).verification())
                .isEqualTo(Verification.MATCH);
    }
}
