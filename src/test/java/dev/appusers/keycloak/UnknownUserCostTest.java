package dev.appusers.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.appusers.keycloak.password.CostLimits;

/**
 * An unknown user's login takes as long as a verification: measured by running one now and then, waited for in
 * between, so a flood of unknown usernames costs no processor time beyond the measurements.
 */
class UnknownUserCostTest {

    private static final long VERIFY_MILLIS = 150;

    private final CountingScheme scheme = new CountingScheme(VERIFY_MILLIS);
    private final AtomicLong offset = new AtomicLong();
    private final Semaphore waiting = new Semaphore(2);
    private final UnknownUserCost cost = new UnknownUserCost(scheme, CostLimits.defaults(),
            () -> System.nanoTime() + offset.get(), waiting, Runnable::run); // measures on the calling thread

    private static long millisOf(Runnable action) {
        long start = System.nanoTime();
        action.run();
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    @Test
    void theFirstLoginMeasuresOneVerificationAndTheNextOnesWaitAsLongWithoutComputing() {
        cost.pay();
        assertThat(scheme.verifications).hasValue(1);

        for (int i = 0; i < 3; i++) {
            assertThat(millisOf(cost::pay)).as("a paced login").isGreaterThanOrEqualTo(VERIFY_MILLIS - 5);
        }
        assertThat(scheme.verifications).as("no dummy hash computed between measurements").hasValue(1);
        assertThat(waiting.availablePermits()).as("every waiter gave its place back").isEqualTo(2);
    }

    @Test
    void theTimeIsMeasuredAgainOnceTheMeasurementIsOld() {
        cost.pay();
        offset.addAndGet(UnknownUserCost.RECALIBRATE_NANOS - TimeUnit.SECONDS.toNanos(1));
        cost.pay();
        assertThat(scheme.verifications).as("a measurement younger than the period is used").hasValue(1);
        offset.addAndGet(TimeUnit.SECONDS.toNanos(2));
        cost.pay();
        assertThat(scheme.verifications).as("an older one is taken again").hasValue(2);
    }

    @Test
    void untilTheFirstMeasurementEndsNothingIsPaidAndMeasuringRunsOffTheRequest() {
        java.util.List<Runnable> queued = new java.util.ArrayList<>();
        UnknownUserCost background = new UnknownUserCost(scheme, CostLimits.defaults(), System::nanoTime, waiting,
                queued::add);
        assertThat(millisOf(background::pay)).isLessThan(VERIFY_MILLIS);
        background.pay();
        assertThat(queued).as("one measurement at a time, not on the request").hasSize(1);
        assertThat(scheme.verifications).hasValue(0);

        queued.get(0).run();
        assertThat(scheme.verifications).hasValue(1);
        assertThat(millisOf(background::pay)).isGreaterThanOrEqualTo(VERIFY_MILLIS);
    }

    @Test
    void realVerificationsSetTheWaitAndNeedNoDummyHash() {
        cost.observe(TimeUnit.MILLISECONDS.toNanos(400));
        cost.observe(TimeUnit.MILLISECONDS.toNanos(200));
        cost.observe(TimeUnit.MILLISECONDS.toNanos(5_000)); // one outlier (a wait for a slot) does not set the pace
        long paid = millisOf(cost::pay);
        assertThat(paid).as("the median of the recent verifications").isBetween(395L, 2_000L);
        assertThat(scheme.verifications).as("no dummy hash computed").hasValue(0);
    }

    @Test
    void whenTooManyLoginsWaitAlreadyTheAnswerComesAtOnce() throws InterruptedException {
        cost.pay();
        waiting.acquire(2);
        try {
            assertThat(millisOf(cost::pay)).isLessThan(VERIFY_MILLIS);
            assertThat(scheme.verifications).hasValue(1);
        } finally {
            waiting.release(2);
        }
    }

    @Test
    void anInterruptedWaitEndsAtOnceAndKeepsTheInterrupt() {
        cost.pay();
        Thread.currentThread().interrupt();
        try {
            assertThat(millisOf(cost::pay)).isLessThan(VERIFY_MILLIS);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(waiting.availablePermits()).isEqualTo(2);
    }
}
