package dev.appusers.keycloak.it;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Sends many HTTP requests at once: one thread each, all released together by one gate, so they reach Keycloak in the
 * same instant rather than one after the other. Bounded in count and time; it stops by itself.
 */
public final class ConcurrentRequests {

    /** One request to send and what it is for (the kind, the user, the value it writes). */
    public record Call(String kind, String user, String value, Supplier<Http.Response> send) {
        @Override
        public String toString() {
            return kind + " " + user + " " + value;
        }
    }

    /** What one call got back. */
    public record Outcome(Call call, int status, String body, long millis) {
        @Override
        public String toString() {
            return call + " -> " + status + (body == null || body.isEmpty() ? "" : " " + body) + " (" + millis + " ms)";
        }
    }

    private ConcurrentRequests() {
    }

    /** Sends every call at once and waits (at most {@code timeoutSeconds}) for all of them. */
    public static List<Outcome> sendAtOnce(List<Call> calls, int timeoutSeconds) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(calls.size());
        CountDownLatch ready = new CountDownLatch(calls.size());
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (Call call : calls) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    long start = System.nanoTime();
                    Http.Response response = call.send().get();
                    return new Outcome(call, response.status(), response.body(),
                            (System.nanoTime() - start) / 1_000_000);
                }));
            }
            if (!ready.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the request threads did not start");
            }
            go.countDown();
            List<Outcome> outcomes = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            for (Future<Outcome> future : futures) {
                try {
                    outcomes.add(future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("a request failed without an HTTP answer", e.getCause());
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("requests still unanswered after " + timeoutSeconds + " s: a hang");
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }
}
