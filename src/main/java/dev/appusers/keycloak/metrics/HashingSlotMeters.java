package dev.appusers.keycloak.metrics;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.appusers.keycloak.password.SlotEvents;

/**
 * The hashing slots' meters. The slots are shared by every component of the server ({@code password/ComputeSlots}),
 * so these meters carry no realm or component tag: {@code app_users_hashing_slot_waits_seconds} (every slot taken
 * for a sign-in or a new password, with the time it waited) and {@code app_users_hashing_slot_refusals_total}.
 */
final class HashingSlotMeters implements SlotEvents.Listener {

    private final Timer waits;
    private final Counter refusals;

    HashingSlotMeters(MeterRegistry registry) {
        waits = Timer.builder("app_users.hashing_slot.waits")
                .description("Time a password verification or hash waited for a hashing slot").register(registry);
        refusals = Counter.builder("app_users.hashing_slot.refusals")
                .description("Password verifications and hashes refused: no hashing slot came free in time")
                .register(registry);
    }

    @Override
    public void waited(long nanos) {
        waits.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void refused() {
        refusals.increment();
    }
}
