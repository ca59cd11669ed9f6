package dev.appusers.keycloak.password;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * How much work one password check may cost: ceilings on the parameters a stored hash carries, and the shared
 * limiter ({@link ComputeSlots}) and memory budget ({@link MemoryBudget}) every computation goes through. A hash over
 * a ceiling is refused before anything is computed. Immutable and thread-safe.
 *
 * <p>Written as {@code bcrypt=16,pbkdf2=2000000,sha-crypt=2000000,argon2-t=64,argon2-work=1048576} (the defaults;
 * a name left out keeps its default):
 * <ul>
 *   <li>{@code bcrypt}: the cost (log2 rounds) of bcrypt and bcrypt-sha256 hashes (passlib writes 12);</li>
 *   <li>{@code pbkdf2}: the rounds of pbkdf2-sha256/512 hashes (passlib writes 29000 and 25000);</li>
 *   <li>{@code sha-crypt}: the rounds of sha256/512-crypt hashes (passlib writes 535000 and 656000);</li>
 *   <li>{@code argon2-t}: argon2 iterations (argon2-cffi writes 2 or 3);</li>
 *   <li>{@code argon2-work}: argon2 {@code t * m} in KiB-iterations (Litestar-Users' 102400 KiB, t=2: 204800).</li>
 * </ul>
 * Argon2 memory is bounded by the memory budget (half of the maximum heap), not by a ceiling here.
 */
public final class CostLimits {

    /** One configurable ceiling: its name, the range an admin may set and the default. */
    private enum Limit {
        BCRYPT("bcrypt", Bcrypt.MIN_ROUNDS, Bcrypt.MAX_ROUNDS, 16),
        PBKDF2("pbkdf2", 1, Integer.MAX_VALUE, 2_000_000),
        SHA_CRYPT("sha-crypt", 1000, 999_999_999, 2_000_000),
        ARGON2_T("argon2-t", 1, Argon2.MAX_ITERATIONS, 64),
        ARGON2_WORK("argon2-work", 8, (long) Argon2.MAX_MEMORY_KIB * Argon2.MAX_ITERATIONS, 1_048_576);

        final String key;
        final long min;
        final long max;
        final long defaultValue;

        Limit(String key, long min, long max, long defaultValue) {
            this.key = key;
            this.min = min;
            this.max = max;
            this.defaultValue = defaultValue;
        }

        static String allowed() {
            StringJoiner names = new StringJoiner(", ");
            for (Limit limit : values()) {
                names.add(limit.key + " (" + limit.min + ".." + limit.max + ", default " + limit.defaultValue + ")");
            }
            return names.toString();
        }
    }

    private static final CostLimits DEFAULTS = new CostLimits(new EnumMap<>(Limit.class),
            ComputeSlots.shared(), MemoryBudget.shared());
    /**
     * How long hashing a new password waits for a slot (see {@link ComputeSlots#waitingFor}): longer than a sign-in,
     * bounded all the same, and among the same bounded waiters.
     */
    static final long HASHING_WAIT_MILLIS = 20_000;
    private static final CostLimits HASHING = DEFAULTS.withGuards(
            ComputeSlots.shared().waitingFor(HASHING_WAIT_MILLIS), MemoryBudget.shared());

    private final Map<Limit, Long> values;
    private final ComputeSlots slots;
    private final MemoryBudget memory;
    /** Told how long each computation took inside its slot, or null. */
    private final LongConsumer observer;
    /** A slot and memory taken in advance, used by the next computation instead of waiting again, or null. */
    private final HashingReservation reserved;

    private CostLimits(Map<Limit, Long> given, ComputeSlots slots, MemoryBudget memory) {
        this(complete(given), slots, memory, null, null);
    }

    private CostLimits(Map<Limit, Long> values, ComputeSlots slots, MemoryBudget memory, LongConsumer observer,
                       HashingReservation reserved) {
        this.values = values;
        this.slots = slots;
        this.memory = memory;
        this.observer = observer;
        this.reserved = reserved;
    }

    private static Map<Limit, Long> complete(Map<Limit, Long> given) {
        Map<Limit, Long> all = new EnumMap<>(Limit.class);
        for (Limit limit : Limit.values()) {
            all.put(limit, given.getOrDefault(limit, limit.defaultValue));
        }
        return all;
    }

    /** @return the default ceilings with the process-wide limiter and memory budget */
    public static CostLimits defaults() {
        return DEFAULTS;
    }

    /** @return these ceilings with the same slots and memory taken only when free at once, never waited for */
    public CostLimits withoutWaiting() {
        return new CostLimits(values, slots.immediate(), memory, observer, reserved);
    }

    /**
     * @param computeNanos told, after each computation, how long it ran inside its slot (the wait for the slot and
     *     the memory left out)
     * @return these limits, telling {@code computeNanos}
     */
    public CostLimits observing(LongConsumer computeNanos) {
        return new CostLimits(values, slots, memory, computeNanos, reserved);
    }

    /** @return the default ceilings for hashing new passwords: the same slots, waiters and memory, a longer wait */
    public static CostLimits forHashing() {
        return HASHING;
    }

    /**
     * @return a slot and {@code memoryKib} KiB taken now, as {@link #compute} takes them, for a computation later in
     *     the same request: see {@link HashingReservation}
     * @throws VerificationBusyException as {@link #compute} does
     */
    public HashingReservation reserve(String schemeId, long memoryKib) {
        return HashingReservation.take(slots, memory, schemeId, memoryKib);
    }

    /** @return these ceilings computing in {@code reservation}'s slot and memory, without waiting again */
    public CostLimits using(HashingReservation reservation) {
        return new CostLimits(values, slots, memory, observer, reservation);
    }

    /**
     * Holds a slot and {@code memoryKib} KiB for {@code nanos}, taken and waited for exactly as {@link #compute}
     * takes them, without computing anything: an unknown username's stand-in for a verification, which takes its
     * place in the same queue, under the same bounds, and is refused as busy in the same cases, but costs no
     * processor time.
     *
     * @throws VerificationBusyException as {@link #compute} does
     */
    public void occupy(String schemeId, long memoryKib, long nanos) {
        compute(schemeId, memoryKib, () -> {
            try {
                TimeUnit.NANOSECONDS.sleep(Math.max(0, nanos));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
    }

    /**
     * Reads {@code name=value} pairs separated by commas; blanks around names and values are ignored, and a
     * {@code null} or blank text means the defaults.
     *
     * @throws IllegalArgumentException naming the bad entry and the allowed names and ranges
     */
    public static CostLimits parse(String text) {
        Map<Limit, Long> given = new EnumMap<>(Limit.class);
        if (text == null || text.isBlank()) {
            return DEFAULTS;
        }
        for (String entry : text.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            String name = eq < 0 ? entry.trim() : entry.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            Limit limit = null;
            for (Limit candidate : Limit.values()) {
                if (candidate.key.equals(name)) {
                    limit = candidate;
                }
            }
            if (eq < 0 || limit == null) {
                throw new IllegalArgumentException("'" + entry.trim() + "' is not name=value with a known name; "
                        + "allowed: " + Limit.allowed());
            }
            if (given.containsKey(limit)) {
                throw new IllegalArgumentException("'" + limit.key + "' is given twice");
            }
            given.put(limit, value(limit, entry.trim(), entry.substring(eq + 1).trim()));
        }
        return new CostLimits(given, ComputeSlots.shared(), MemoryBudget.shared());
    }

    private static long value(Limit limit, String entry, String text) {
        try {
            long value = Long.parseLong(text);
            if (value >= limit.min && value <= limit.max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("'" + entry + "': " + limit.key + " must be an integer in " + limit.min
                + ".." + limit.max + " (default " + limit.defaultValue + ")");
    }

    /**
     * The most permissive of several ceilings, each limit the highest any of them allows (with the process-wide
     * limiter and memory budget): for a check that cannot tell which of them applies.
     *
     * @return the defaults when {@code limits} is empty
     */
    public static CostLimits widest(Iterable<CostLimits> limits) {
        Map<Limit, Long> widest = new EnumMap<>(Limit.class);
        boolean any = false;
        for (CostLimits some : limits) {
            any = true;
            some.values.forEach((limit, value) -> widest.merge(limit, value, Math::max));
        }
        return any ? new CostLimits(widest, ComputeSlots.shared(), MemoryBudget.shared()) : DEFAULTS;
    }

    /** The same ceilings with another limiter and memory budget (for tests). */
    CostLimits withGuards(ComputeSlots otherSlots, MemoryBudget otherMemory) {
        return new CostLimits(values, otherSlots, otherMemory, observer, reserved);
    }

    public int bcryptCost() { return values.get(Limit.BCRYPT).intValue(); }
    public int pbkdf2Rounds() { return values.get(Limit.PBKDF2).intValue(); }
    public int shaCryptRounds() { return values.get(Limit.SHA_CRYPT).intValue(); }
    public int argon2Iterations() { return values.get(Limit.ARGON2_T).intValue(); }
    /** @return the ceiling of argon2 {@code t * m}, in KiB-iterations */
    public long argon2Work() { return values.get(Limit.ARGON2_WORK); }

    MemoryBudget memory() {
        return memory;
    }

    void checkBcrypt(String schemeId, long cost) {
        check(schemeId, "cost", cost, Limit.BCRYPT);
    }

    void checkPbkdf2(String schemeId, long rounds) {
        check(schemeId, "rounds", rounds, Limit.PBKDF2);
    }

    void checkShaCrypt(String schemeId, long rounds) {
        check(schemeId, "rounds", rounds, Limit.SHA_CRYPT);
    }

    /** Iterations, work ({@code t * m}) and memory (against the whole budget, without reserving). */
    void checkArgon2(long memoryKib, long iterations) {
        check(Argon2.ID, "iterations t", iterations, Limit.ARGON2_T);
        check(Argon2.ID, "work t*m (KiB-iterations)", iterations * memoryKib, Limit.ARGON2_WORK);
        memory.checkFits(Argon2.ID, "memory m", memoryKib);
    }

    private void check(String schemeId, String parameter, long value, Limit limit) {
        long ceiling = values.get(limit);
        if (value > ceiling) {
            throw new HashCostException(schemeId, parameter + "=" + value + " is over the ceiling "
                    + limit.key + "=" + ceiling);
        }
    }

    /**
     * Runs one computation in a slot of the limiter, holding {@code memoryKib} KiB of the memory budget; both are
     * taken before {@code work} starts (so before it allocates) and given back when it ends.
     *
     * @throws HashCostException if {@code memoryKib} exceeds the whole budget
     * @throws VerificationBusyException if the slot or the memory did not come free within the bounded wait
     */
    <T> T compute(String schemeId, long memoryKib, Supplier<T> work) {
        memory.checkFits(schemeId, "memory m", memoryKib);
        if (reserved != null && reserved.enter(memoryKib)) {
            try {
                return timed(work);
            } finally {
                reserved.exit();
            }
        }
        long deadline = System.nanoTime() + slots.waitNanos();
        try (ComputeSlots.Slot slot = slots.acquire();
             MemoryBudget.Reservation held = memory.reserve(schemeId, "memory m", memoryKib,
                     deadline - System.nanoTime())) {
            return timed(work);
        }
    }

    private <T> T timed(Supplier<T> work) {
        if (observer == null) {
            return work.get();
        }
        long start = System.nanoTime();
        T result = work.get();
        observer.accept(System.nanoTime() - start);
        return result;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CostLimits that && values.equals(that.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    /** @return the ceilings in the configuration's form */
    @Override
    public String toString() {
        StringJoiner text = new StringJoiner(",");
        values.forEach((limit, value) -> text.add(limit.key + "=" + value));
        return text.toString();
    }
}
