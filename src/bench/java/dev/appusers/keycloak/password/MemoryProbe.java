package dev.appusers.keycloak.password;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Memory of one m=102400 (100 MiB) verification, ours and BouncyCastle's: the heap allocated by one verification
 * (thread allocation counter of the calling thread, where both allocate their block memory), the peak heap
 * growth during one verification, and how many verifications started at the same moment complete in this JVM's
 * heap ({@code -Xmx}) before one fails with {@link OutOfMemoryError} (ours: the engine without the scheme's
 * bound); then the peak heap growth of {@value #BOUNDED_BURST} verifications started together through
 * {@link PasswordSchemes#verify(String, String)}, which lets one per processor compute at a time.
 *
 * <p>Usage: {@code MemoryProbe <output.json> [maxConcurrent]}; prints one line per implementation.
 */
public final class MemoryProbe {

    private static final long MIB = 1024 * 1024;
    private static final int BOUNDED_BURST = 12;

    private MemoryProbe() {
    }

    /** Runs the probe; see the class comment. */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int maxConcurrent = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        BenchSamples.Sample sample = BenchSamples.load().get(BenchSamples.ARGON2_LITESTAR);
        BenchSamples.Argon2Hash parts = BenchSamples.parseArgon2(sample.hash());
        PasswordSchemes schemes = PasswordSchemes.defaults();
        BooleanSupplier ours = () -> schemes.verify(sample.password(), sample.hash()) == Verification.MATCH;
        // the engine without the scheme's one-computation-per-processor bound, to see what the heap itself allows
        BooleanSupplier oursUnbounded = () -> MessageDigest.isEqual(parts.digest(), Argon2Engine.derive(parts.type(),
                parts.version(), parts.memoryKib(), parts.iterations(), parts.lanes(),
                sample.password().getBytes(StandardCharsets.UTF_8), parts.salt(), null, null, parts.digest().length,
                true));
        BooleanSupplier bouncyCastle = () -> bouncyCastle(parts, sample);
        long maxHeap = Runtime.getRuntime().maxMemory();
        StringBuilder json = new StringBuilder("{\"maxHeapMiB\": " + maxHeap / MIB + ", \"case\": \""
                + BenchSamples.ARGON2_LITESTAR + "\", \"results\": [");
        String separator = "";
        for (String name : new String[] {"ours", "bouncyCastle"}) {
            BooleanSupplier verify = "ours".equals(name) ? ours : bouncyCastle;
            if (!verify.getAsBoolean()) {
                throw new IllegalStateException(name + " does not verify the sample");
            }
            long allocated = allocatedByOneVerification(verify);
            long peak = peakHeapGrowth(() -> verify.getAsBoolean());
            int fits = concurrentThatFit("ours".equals(name) ? oursUnbounded : verify, maxConcurrent);
            System.out.printf(Locale.ROOT, "%-13s allocated/verification %6.1f MiB, peak heap growth %6.1f MiB, "
                    + "concurrent verifications completed in -Xmx%d MiB: %d%n", name, allocated / (double) MIB,
                    peak / (double) MIB, maxHeap / MIB, fits);
            json.append(separator).append(String.format(Locale.ROOT, "{\"implementation\": \"%s\", "
                    + "\"allocatedMiB\": %.1f, \"peakGrowthMiB\": %.1f, \"concurrentFit\": %d}", name,
                    allocated / (double) MIB, peak / (double) MIB, fits));
            separator = ", ";
        }
        long[] boundedPeak = new long[1];
        int bounded = BOUNDED_BURST;
        int[] boundedFailures = new int[1];
        boundedPeak[0] = peakHeapGrowth(() -> boundedFailures[0] = startTogether(bounded, ours));
        if (boundedFailures[0] > 0) {
            throw new IllegalStateException(boundedFailures[0] + " bounded verifications failed");
        }
        System.out.printf(Locale.ROOT, "ours, %d verifications started together through PasswordSchemes.verify "
                + "(at most %d computing at once): peak heap growth %.1f MiB%n", bounded,
                ComputeSlots.shared().slots(), boundedPeak[0] / (double) MIB);
        json.append(String.format(Locale.ROOT, "], \"bounded\": {\"started\": %d, \"atOnce\": %d, "
                + "\"peakGrowthMiB\": %.1f}", bounded, ComputeSlots.shared().slots(), boundedPeak[0] / (double) MIB));
        json.append("}\n");
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, json, StandardCharsets.UTF_8);
    }

    private static boolean bouncyCastle(BenchSamples.Argon2Hash h, BenchSamples.Sample s) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(h.type()).withVersion(h.version()).withMemoryAsKB(h.memoryKib())
                .withIterations(h.iterations()).withParallelism(h.lanes()).withSalt(h.salt()).build());
        byte[] tag = new byte[h.digest().length];
        generator.generateBytes(s.password().getBytes(StandardCharsets.UTF_8), tag);
        return MessageDigest.isEqual(tag, h.digest());
    }

    private static long allocatedByOneVerification(BooleanSupplier verify) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        verify.getAsBoolean();
        return threads.getThreadAllocatedBytes(id) - before;
    }

    /** Heap in use at its peak during {@code work}, less the heap in use just before it (after a GC). */
    private static long peakHeapGrowth(Runnable work) {
        List<MemoryPoolMXBean> pools = new ArrayList<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pools.add(pool);
            }
        }
        System.gc();
        long before = 0;
        for (MemoryPoolMXBean pool : pools) {
            before += pool.getUsage().getUsed();
            pool.resetPeakUsage();
        }
        work.run();
        long peak = 0;
        for (MemoryPoolMXBean pool : pools) {
            peak += pool.getPeakUsage().getUsed();
        }
        return peak - before;
    }

    /** The largest n (up to {@code max}) for which n verifications started together all complete. */
    private static int concurrentThatFit(BooleanSupplier verify, int max) {
        int fit = 0;
        for (int n = 1; n <= max; n++) {
            System.gc();
            if (startTogether(n, verify) > 0) {
                break;
            }
            fit = n;
        }
        return fit;
    }

    /** Starts n verifications at the same moment on n threads; returns how many failed (or ran out of heap). */
    private static int startTogether(int n, BooleanSupplier verify) {
        CyclicBarrier start = new CyclicBarrier(n);
        AtomicInteger failed = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    if (!verify.getAsBoolean()) {
                        failed.incrementAndGet();
                    }
                } catch (OutOfMemoryError | Exception e) {
                    failed.incrementAndGet();
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        return failed.get();
    }
}
