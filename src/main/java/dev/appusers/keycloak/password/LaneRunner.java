package dev.appusers.keycloak.password;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the lanes of one Argon2 slice, in parallel when there is more than one lane and more than one processor.
 *
 * <p>The calling thread always works on the lanes itself; it asks at most {@code processors - 1} helpers from a
 * small shared pool to take lanes too. Lanes are handed out from a counter, so a helper that starts late (the pool
 * being busy with other verifications) finds nothing left and returns at once, and the caller never waits for a
 * queued helper: it only waits for the lanes that are actually being computed. A pool thread stays alive for
 * {@value #KEEP_ALIVE_SECONDS} seconds without work. Nothing but the task is shared between calls.
 */
final class LaneRunner {

    /** The work for one lane. */
    @FunctionalInterface
    interface LaneTask {
        /** Fills lane {@code lane}'s segment of the current slice. */
        void run(int lane);
    }

    private static final int KEEP_ALIVE_SECONDS = 30;
    private static final int PROCESSORS = Math.max(1, Runtime.getRuntime().availableProcessors());
    private static final ThreadPoolExecutor HELPERS = newPool(Math.max(1, PROCESSORS - 1));

    private LaneRunner() {
    }

    private static ThreadPoolExecutor newPool(int threads) {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = task -> {
            Thread thread = new Thread(task, "app-users-argon2-lane-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), factory);
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** @return how many threads at most work on one slice: the processors (at least one) */
    static int maxThreadsPerSlice() {
        return PROCESSORS;
    }

    /**
     * Runs {@code task} for lanes {@code 0 .. lanes-1} and returns when all are done.
     *
     * @param parallel {@code false} to run every lane on the calling thread
     * @throws RuntimeException or {@link Error} thrown by a lane (the first one)
     */
    static void runLanes(int lanes, boolean parallel, LaneTask task) {
        int helpers = parallel ? Math.min(lanes, PROCESSORS) - 1 : 0;
        if (helpers <= 0) {
            for (int lane = 0; lane < lanes; lane++) {
                task.run(lane);
            }
            return;
        }
        Slice slice = new Slice(lanes, task);
        for (int i = 0; i < helpers; i++) {
            try {
                HELPERS.execute(slice);
            } catch (RejectedExecutionException e) {
                break; // the caller does the remaining lanes itself
            }
        }
        slice.run();
        slice.awaitLanes();
    }

    /** One slice's lanes, handed out one by one to whichever thread asks first. */
    private static final class Slice implements Runnable {

        private final int lanes;
        private final LaneTask task;
        private final AtomicInteger next = new AtomicInteger();
        private final CountDownLatch done;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Slice(int lanes, LaneTask task) {
            this.lanes = lanes;
            this.task = task;
            this.done = new CountDownLatch(lanes);
        }

        @Override
        public void run() {
            for (int lane = next.getAndIncrement(); lane < lanes; lane = next.getAndIncrement()) {
                try {
                    if (failure.get() == null) {
                        task.run(lane);
                    }
                } catch (Throwable t) { // handed to the caller below
                    failure.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            }
        }

        /** Waits for every lane (ignoring interrupts, which are kept for the caller) and rethrows a failure. */
        void awaitLanes() {
            boolean interrupted = false;
            while (true) {
                try {
                    done.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            Throwable t = failure.get();
            if (t instanceof RuntimeException) {
                throw (RuntimeException) t;
            }
            if (t instanceof Error) {
                throw (Error) t;
            }
            if (t != null) {
                throw new IllegalStateException("argon2 lane failed", t);
            }
        }
    }
}
