package dev.appusers.keycloak.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pages of one sync being imported: at most {@link #THREADS} at once ({@code -Dappusers.sync.threads}, default
 * 2), each on a daemon thread of the sync's own, while the sync reads the next page. Each page's import catches its
 * own failures (a failed page is imported again user by user), so waiting for the pages never throws for them.
 */
final class PageImports {

    private static final int THREADS_DEFAULT = 2;
    /** Pages imported at once; 1 imports each page before the next is read. */
    static final int THREADS = Math.max(1, Integer.getInteger("appusers.sync.threads", THREADS_DEFAULT));
    private static final AtomicInteger NUMBER = new AtomicInteger();

    private final ExecutorService workers = Executors.newFixedThreadPool(THREADS, task -> {
        Thread thread = new Thread(task, "app-users-sync-" + NUMBER.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });
    private final Semaphore free = new Semaphore(THREADS);
    private final List<Future<?>> started = new ArrayList<>();

    /** Starts importing a page once one of the threads is free, waiting for it if none is. */
    void submit(Runnable page) {
        free.acquireUninterruptibly();
        try {
            started.add(workers.submit(() -> {
                try {
                    page.run();
                } finally {
                    free.release();
                }
            }));
        } catch (RuntimeException e) {
            free.release();
            throw e;
        }
    }

    /** Waits until every page submitted is imported; the threads end then. */
    void awaitAll() {
        try {
            for (Future<?> page : started) {
                page.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the pages of a sync were imported", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a page of a sync failed: " + e.getCause(), e.getCause());
        } finally {
            workers.shutdown();
        }
    }
}
