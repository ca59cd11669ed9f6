package dev.appusers.keycloak.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A closed-loop load: {@code concurrency} workers send requests back to back until the time or the request budget is
 * spent, whichever comes first. Each request is a function of its sequence number that says whether it succeeded.
 */
final class LoadRun {

    /** What one run measured. */
    record Result(int requests, int failures, double seconds, long p50Micros, long p95Micros) {

        double perSecond() {
            return requests / seconds;
        }

        static Result merge(List<Result> results) {
            int requests = results.stream().mapToInt(Result::requests).sum();
            int failures = results.stream().mapToInt(Result::failures).sum();
            double seconds = results.stream().mapToDouble(Result::seconds).sum();
            List<Long> p50 = results.stream().map(Result::p50Micros).sorted().toList();
            List<Long> p95 = results.stream().map(Result::p95Micros).sorted().toList();
            return new Result(requests, failures, seconds, p50.get(p50.size() / 2), p95.get(p95.size() / 2));
        }
    }

    private LoadRun() {
    }

    static Result run(int concurrency, Duration duration, int maxRequests, IntFunction<Boolean> request) {
        AtomicInteger sequence = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        ExecutorService workers = Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                running.add(workers.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        int n = sequence.getAndIncrement();
                        if (n >= maxRequests) {
                            return;
                        }
                        long began = System.nanoTime();
                        boolean ok = request.apply(n);
                        latencies.add((System.nanoTime() - began) / 1_000);
                        if (!ok) {
                            failures.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> worker : running) {
                worker.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("load run failed", e);
        } finally {
            workers.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Long> sorted = latencies.stream().sorted().toList();
        return new Result(sorted.size(), failures.get(), seconds, percentile(sorted, 50), percentile(sorted, 95));
    }

    static long percentile(List<Long> sorted, int percent) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
