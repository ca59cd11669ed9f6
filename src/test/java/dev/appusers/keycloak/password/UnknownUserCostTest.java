package dev.appusers.keycloak.password;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/**
 * An unknown user's login takes as long as a verification runs: measured by running one now and then, held in a slot
 * of the shared limiter in between, so a flood of unknown usernames costs no processor time beyond the measurements.
 * (How the stand-in queues and is refused: {@code password/StandInAndReservationTest}.)
 */
class UnknownUserCostTest {

    private static final long VERIFY_MILLIS = 150;

    private final CountingScheme scheme = new CountingScheme(VERIFY_MILLIS);
    private final AtomicLong offset = new AtomicLong();
    private final UnknownUserCost cost = new UnknownUserCost(scheme, CostLimits.defaults(),
            () -> System.nanoTime() + offset.get(), Runnable::run); // measures on the calling thread

    private static long millisOf(Runnable action) {
        long start = System.nanoTime();
        action.run();
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    @Test
    void theFirstLoginMeasuresOneVerificationAndTheNextOnesWaitAsLongWithoutComputing() {
        assertThat(cost.pay()).isNotNegative();
        assertThat(scheme.verifications).hasValue(1);
        assertThat(cost.median()).as("the measured verification").isGreaterThanOrEqualTo(
                TimeUnit.MILLISECONDS.toNanos(VERIFY_MILLIS));

        for (int i = 0; i < 3; i++) {
            assertThat(millisOf(cost::pay)).as("a paced login").isGreaterThanOrEqualTo(VERIFY_MILLIS);
        }
        assertThat(scheme.verifications).as("no dummy hash computed between measurements").hasValue(1);
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
    void untilTheFirstMeasurementEndsNothingIsHeldAndMeasuringRunsOffTheRequest() {
        java.util.List<Runnable> queued = new java.util.ArrayList<>();
        UnknownUserCost background = new UnknownUserCost(scheme, CostLimits.defaults(), System::nanoTime, queued::add);
        assertThat(background.pay()).isNotNegative();
        background.pay();
        assertThat(queued).as("one measurement at a time, not on the request").hasSize(1);
        assertThat(scheme.verifications).hasValue(0);
        assertThat(background.median()).as("nothing known yet").isNegative();

        queued.get(0).run();
        assertThat(scheme.verifications).hasValue(1);
        assertThat(millisOf(background::pay)).isGreaterThanOrEqualTo(VERIFY_MILLIS);
    }

    @Test
    void realVerificationsSetTheTimeInsideTheirSlotAndNeedNoDummyHash() {
        java.util.List<Runnable> never = new java.util.ArrayList<>();
        UnknownUserCost observed = new UnknownUserCost(scheme, CostLimits.defaults(), System::nanoTime, never::add);
        PasswordSchemes schemes = PasswordSchemes.defaults();
        String hash = PasswordSchemes.hashingScheme("pbkdf2-sha256", java.util.Map.of("rounds", "200000"))
                .hash("right");
        for (int i = 0; i < 3; i++) {
            assertThat(schemes.check("wrong", hash, observed.timing(CostLimits.defaults())).verification())
                    .isEqualTo(Verification.MISMATCH);
        }
        assertThat(observed.median()).as("the median of the three verifications").isPositive();
        assertThat(scheme.verifications).as("no dummy hash computed").hasValue(0);
    }

    @Test
    void theMedianOfTheRecentVerificationsSetsThePaceNotAnOutlier() {
        cost.observe(TimeUnit.MILLISECONDS.toNanos(400));
        cost.observe(TimeUnit.MILLISECONDS.toNanos(200));
        cost.observe(TimeUnit.MILLISECONDS.toNanos(5_000));
        assertThat(cost.median()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(400));
        assertThat(millisOf(cost::pay)).as("held as long as the median").isGreaterThanOrEqualTo(400L);
        assertThat(scheme.verifications).as("no dummy hash computed").hasValue(0);
    }

    @Test
    void anInterruptedStandInEndsAtOnceAndKeepsTheInterrupt() {
        cost.observe(TimeUnit.SECONDS.toNanos(30));
        Thread.currentThread().interrupt();
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(cost::pay).as("answered as a busy verification")
                    .isInstanceOf(dev.appusers.keycloak.password.VerificationBusyException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void theUnusableHashOfNewRowsIsComputedOnceAndMatchesNoPassword() {
        String first = cost.unusableHash(CostLimits.forHashing());
        assertThat(cost.unusableHash(CostLimits.forHashing())).isSameAs(first);
        assertThat(scheme.recognises(first)).isTrue();
        assertThat(PasswordSchemes.defaults().verify("", first)).isEqualTo(Verification.MISMATCH);
    }

    @Test
    void aComponentOfTheSameFormSavedWithinTheHalfMinuteTakesTheLatestTimeAndTheUnusableHashComputingNothing() {
        FormCalibration server = new FormCalibration();
        java.util.function.LongSupplier clock = () -> System.nanoTime() + offset.get();
        UnknownUserCost first = new UnknownUserCost(scheme, CostLimits.defaults(), clock, Runnable::run, server);
        first.pay();
        String hash = first.unusableHash(CostLimits.forHashing());
        assertThat(scheme.verifications).hasValue(1);

        UnknownUserCost saved = new UnknownUserCost(scheme, CostLimits.defaults(), clock, Runnable::run, server);
        assertThat(millisOf(saved::pay)).as("paced by the other component's time").isGreaterThanOrEqualTo(VERIFY_MILLIS);
        assertThat(saved.unusableHash(CostLimits.forHashing())).isSameAs(hash);
        assertThat(scheme.verifications).as("nothing computed for the second component").hasValue(1);

        offset.addAndGet(UnknownUserCost.RECALIBRATE_NANOS + 1);
        new UnknownUserCost(scheme, CostLimits.defaults(), clock, Runnable::run, server).pay();
        assertThat(scheme.verifications).as("a time older than the half minute is measured again").hasValue(2);

        UnknownUserCost separate = new UnknownUserCost(scheme, CostLimits.defaults(), clock, Runnable::run);
        separate.pay();
        assertThat(scheme.verifications).as("a cost with a calibration of its own measures").hasValue(3);
    }
}
