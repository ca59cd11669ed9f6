package dev.appusers.keycloak.bench;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every request of the soak load, as it ended: kind, start, end and HTTP status (0: Keycloak did not answer within the
 * request timeout, or the connection failed). Read back per second, per kind and status class, and against the
 * outage window.
 */
final class SoakTimeline {

    /** What the soak load sends. */
    enum Kind {
        PASSWORD_GRANT("password grant (federated user)"),
        REFRESH("refresh-token grant (federated user)"),
        ADMIN_SEARCH("admin user search (local admin)"),
        ADMIN_TOKEN("local admin's password grant");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** One request; times in nanoseconds of {@link System#nanoTime()}. */
    record Request(Kind kind, long start, long end, int status) {

        String statusClass() {
            return status == 0 ? "no answer" : status / 100 + "xx";
        }

        boolean failedServerSide() {
            return status == 0 || status >= 500;
        }
    }

    /** Per second of the load: requests ended in that second, by status class, and federated logins that succeeded. */
    record Second(int second, int requests, int ok, int clientErrors, int serverErrors, int noAnswer,
                  int federatedLogins) {
    }

    /** The outage as the clients saw it; {@code back} is 0 when no federated login succeeded after the outage. */
    record Outage(long start, long databaseBack, long back) {

        boolean recovered() {
            return back != 0;
        }

        boolean contains(Request r) {
            return r.end() >= start && (!recovered() || r.start() <= back);
        }
    }

    private final long origin;
    private final List<Request> requests = new ArrayList<>();

    SoakTimeline(long origin) {
        this.origin = origin;
    }

    synchronized void record(Kind kind, long start, long end, int status) {
        requests.add(new Request(kind, start, end, status));
    }

    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Seconds since the load started. */
    double seconds(long nanos) {
        return (nanos - origin) / 1e9;
    }

    /**
     * The outage window: from {@code start} (the restart began) to the end of the first successful federated password
     * grant that began after the database was back ({@code databaseBack}, when the restart command returned).
     */
    Outage outage(long start, long databaseBack) {
        long back = requests().stream()
                .filter(r -> r.kind() == Kind.PASSWORD_GRANT && r.status() == 200 && r.start() >= databaseBack)
                .mapToLong(Request::end).min().orElse(0);
        return new Outage(start, databaseBack, back);
    }

    /** Requests Keycloak failed (5xx or no answer) outside the outage window. */
    List<Request> serverErrorsOutside(Outage outage) {
        return requests().stream().filter(r -> r.failedServerSide() && !outage.contains(r)).toList();
    }

    /** Counts by kind and status class ({@code 2xx}, {@code 4xx}, ..., {@code no answer}). */
    Map<Kind, Map<String, Integer>> byKindAndStatus() {
        Map<Kind, Map<String, Integer>> counts = new EnumMap<>(Kind.class);
        for (Request r : requests()) {
            counts.computeIfAbsent(r.kind(), k -> new TreeMap<>()).merge(r.statusClass(), 1, Integer::sum);
        }
        return counts;
    }

    /** Counts of exact statuses of one kind inside or outside the outage window. */
    Map<Integer, Integer> statuses(Kind kind, Outage outage, boolean inside) {
        Map<Integer, Integer> counts = new TreeMap<>();
        for (Request r : requests()) {
            if (r.kind() == kind && outage.contains(r) == inside) {
                counts.merge(r.status(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** One row per second from the load's start to its last request. */
    List<Second> perSecond() {
        List<Request> all = requests();
        int last = all.stream().mapToInt(r -> (int) seconds(r.end())).max().orElse(0);
        int[][] cells = new int[last + 1][6];
        for (Request r : all) {
            int[] cell = cells[Math.max(0, (int) seconds(r.end()))];
            cell[0]++;
            if (r.status() == 0) {
                cell[4]++;
            } else if (r.status() >= 500) {
                cell[3]++;
            } else if (r.status() >= 400) {
                cell[2]++;
            } else {
                cell[1]++;
            }
            if (r.kind() == Kind.PASSWORD_GRANT && r.status() == 200) {
                cell[5]++;
            }
        }
        List<Second> seconds = new ArrayList<>();
        for (int s = 0; s <= last; s++) {
            int[] c = cells[s];
            seconds.add(new Second(s, c[0], c[1], c[2], c[3], c[4], c[5]));
        }
        return seconds;
    }

    /** The per-second rows as CSV. */
    String csv() {
        StringBuilder csv = new StringBuilder("second,requests,2xx_3xx,4xx,5xx,no_answer,federated_logins_ok\n");
        for (Second s : perSecond()) {
            csv.append(s.second()).append(',').append(s.requests()).append(',').append(s.ok()).append(',')
                    .append(s.clientErrors()).append(',').append(s.serverErrors()).append(',').append(s.noAnswer())
                    .append(',').append(s.federatedLogins()).append('\n');
        }
        return csv.toString();
    }
}
