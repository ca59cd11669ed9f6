package dev.appusers.keycloak.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hashing slots tell the installed listener of every slot taken and every refusal, except a background
 * measurement's.
 */
class SlotEventsTest {

    private final List<String> events = new ArrayList<>();

    private void listen() {
        SlotEvents.listen(new SlotEvents.Listener() {
            @Override
            public void waited(long nanos) {
                events.add(nanos >= 0 ? "waited" : "negative wait");
            }

            @Override
            public void refused() {
                events.add("refused");
            }
        });
    }

    @AfterEach
    void stopListening() {
        SlotEvents.listen(null);
    }

    @Test
    void slotsTakenAndRefusedAreReported() {
        listen();
        ComputeSlots slots = new ComputeSlots(1, 0, 50);
        ComputeSlots.Slot taken = slots.acquire();

        assertThatThrownBy(slots::acquire).isInstanceOf(VerificationBusyException.class);
        taken.close();
        slots.acquire().close();

        assertThat(events).containsExactly("waited", "refused", "waited");
    }

    @Test
    void aCallerThatNeverWaitsReportsNothing() {
        listen();
        ComputeSlots slots = new ComputeSlots(1, 8, 50);
        ComputeSlots immediate = slots.immediate();
        ComputeSlots.Slot taken = slots.acquire();
        events.clear();

        assertThatThrownBy(immediate::acquire).isInstanceOf(VerificationBusyException.class);
        taken.close();
        immediate.acquire().close();

        assertThat(events).isEmpty();
    }

    @Test
    void withoutAListenerNothingIsReported() {
        ComputeSlots slots = new ComputeSlots(1, 0, 50);
        ComputeSlots.Slot taken = slots.acquire();
        assertThatThrownBy(slots::acquire).isInstanceOf(VerificationBusyException.class);
        taken.close();

        assertThat(events).isEmpty();
    }
}
