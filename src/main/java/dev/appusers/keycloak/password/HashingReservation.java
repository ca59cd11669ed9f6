package dev.appusers.keycloak.password;

/**
 * A hashing slot and memory taken before the computation that needs them: a self-registration takes them before the
 * user is created, so that it is refused at once ("busy, try again") rather than after the user exists, and hashes the
 * password in them a moment later without waiting again ({@link CostLimits#using}). The request's computations use it
 * one after the other; {@link #close()} gives slot and memory back (once), used or not.
 */
public final class HashingReservation implements AutoCloseable {

    private final ComputeSlots.Slot slot;
    private final MemoryBudget.Reservation memory;
    private final long memoryKib;
    private boolean inUse;
    private boolean closed;

    private HashingReservation(ComputeSlots.Slot slot, MemoryBudget.Reservation memory, long memoryKib) {
        this.slot = slot;
        this.memory = memory;
        this.memoryKib = memoryKib;
    }

    /** Takes a slot and the memory, within the slots' bounded wait, as a computation takes them. */
    static HashingReservation take(ComputeSlots slots, MemoryBudget budget, String schemeId, long memoryKib) {
        long deadline = System.nanoTime() + slots.waitNanos();
        budget.checkFits(schemeId, "memory m", memoryKib);
        ComputeSlots.Slot slot = slots.acquire();
        try {
            return new HashingReservation(slot, budget.reserve(schemeId, "memory m", memoryKib,
                    deadline - System.nanoTime()), memoryKib);
        } catch (RuntimeException e) {
            slot.close();
            throw e;
        }
    }

    /**
     * @return whether a computation of {@code kib} KiB may run in this reservation now (not while another runs in it,
     *     not after closing, and not one that needs more memory than was reserved); if so, {@link #exit()} follows
     */
    synchronized boolean enter(long kib) {
        if (inUse || closed || kib > memoryKib) {
            return false;
        }
        inUse = true;
        return true;
    }

    /** The computation that {@link #enter entered} ended. */
    synchronized void exit() {
        inUse = false;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            memory.close();
            slot.close();
        }
    }
}
