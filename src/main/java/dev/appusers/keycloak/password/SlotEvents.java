package dev.appusers.keycloak.password;

/**
 * Where the hashing slots ({@link ComputeSlots}, shared by the whole server) report what they do, for the provider's
 * meters: nobody listens unless Keycloak runs with metrics, and then the listener the provider installs
 * ({@link #listen}) is told of every slot taken (and how long it was waited for) and every refusal. The background
 * measurement of the unknown-user cost, which takes a slot only when one is free, reports nothing.
 */
public final class SlotEvents {

    /** What the slots report. Called on the thread that takes the slot: must be quick and never throw. */
    public interface Listener {

        void waited(long nanos);

        void refused();
    }

    private static final Listener NONE = new Listener() {
        @Override
        public void waited(long nanos) {
        }

        @Override
        public void refused() {
        }
    };

    private static volatile Listener listener = NONE;

    private SlotEvents() {
    }

    /** Installs the listener of the whole server (replacing any before it); null stops reporting. */
    public static void listen(Listener newListener) {
        listener = newListener == null ? NONE : newListener;
    }

    static void waited(long nanos) {
        listener.waited(nanos);
    }

    static void refused() {
        listener.refused();
    }
}
