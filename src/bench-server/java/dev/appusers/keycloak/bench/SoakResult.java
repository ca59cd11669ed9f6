package dev.appusers.keycloak.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.appusers.keycloak.bench.SoakTimeline.Kind;
import dev.appusers.keycloak.bench.SoakTimeline.Outage;
import dev.appusers.keycloak.bench.SoakTimeline.Request;
import dev.appusers.keycloak.bench.SoakTimeline.Second;

/** The soak's figures against its goals, as Markdown. */
record SoakResult(SoakTimeline timeline, AppDbOutage.Result restart, Outage outage, int warmupRequests,
                  double seconds, long heapStartMiB, long heapEndMiB, SoakConnections.Leftovers connections) {

    private static final List<String> CLASSES = List.of("2xx", "3xx", "4xx", "5xx", "no answer");

    /** Writes the report; returns the goals missed (empty when all were met). */
    List<String> report(Report report) {
        List<Request> requests = timeline.requests();
        report.heading("Requests (" + requests.size() + " in " + String.format("%.0f", seconds) + " s, "
                + String.format("%.1f", requests.size() / seconds) + "/s; " + warmupRequests + " more in the warm-up)");
        List<String> header = new ArrayList<>(List.of("kind", "requests"));
        header.addAll(CLASSES);
        report.table(header.toArray(String[]::new));
        Map<Kind, Map<String, Integer>> counts = timeline.byKindAndStatus();
        for (Kind kind : Kind.values()) {
            Map<String, Integer> byClass = counts.getOrDefault(kind, Map.of());
            List<Object> row = new ArrayList<>(List.of(kind.label,
                    byClass.values().stream().mapToInt(Integer::intValue).sum()));
            CLASSES.forEach(c -> row.add(byClass.getOrDefault(c, 0)));
            report.row(row.toArray());
        }

        report.heading("Outage: " + restart.how());
        report.line("- " + restart.detail());
        report.line("- began at " + at(restart.start()) + "; the database was back after " + between(restart.start(),
                restart.back()) + " (at " + at(restart.back()) + ")");
        double recovery = outage.recovered() ? (outage.back() - restart.start()) / 1e9 : Double.NaN;
        report.line("- first successful federated password grant begun after that ended at " + (outage.recovered()
                ? at(outage.back()) + ": **" + String.format("%.1f s", recovery) + "** after the outage began, "
                + between(restart.back(), outage.back()) + " after the database was back" : "never"));
        report.line("- statuses inside the outage window (" + (outage.recovered() ? between(outage.start(),
                outage.back()) : "open") + "), by kind: " + statuses(true));
        report.line("- statuses outside it: " + statuses(false));
        List<Request> outside = timeline.serverErrorsOutside(outage);
        report.line("- 5xx or no answer outside the outage window: **" + outside.size() + "**"
                + (outside.isEmpty() ? "" : ", first: " + outside.stream().limit(5)
                .map(r -> r.kind().label + " " + r.status() + " at " + at(r.end())).toList()));

        report.heading("Per second around the outage (all seconds: target/bench-server/soak-seconds.csv)");
        report.table("second", "requests", "2xx", "4xx", "5xx", "no answer", "federated logins ok");
        int from = (int) timeline.seconds(restart.start()) - 3;
        int to = (int) timeline.seconds(outage.recovered() ? outage.back() : restart.back()) + 3;
        for (Second s : timeline.perSecond()) {
            if (s.second() >= from && s.second() <= to) {
                report.row(s.second(), s.requests(), s.ok(), s.clientErrors(), s.serverErrors(), s.noAnswer(),
                        s.federatedLogins());
            }
        }
        perMinute(report);

        double heapRatio = (double) heapEndMiB / heapStartMiB;
        report.heading("Heap and connections");
        report.line("- Keycloak's heap after full GC (the realm's sessions logged out first, both times): "
                + heapStartMiB + " MiB after the warm-up, " + heapEndMiB + " MiB at the end; end / start **"
                + Report.ratio(heapRatio) + "**");
        report.line("- Keycloak's connections to the app database at the end: " + connections.total() + ", of them "
                + "active, idle in a transaction or prepared: **" + connections.busy().size() + "**"
                + (connections.busy().isEmpty() ? "" : " " + connections.busy()));

        List<String> missed = new ArrayList<>();
        report.heading("Goals");
        report.table("goal", "measured", "met");
        goal(report, missed, "no 5xx (or unanswered request) outside the outage window", outside.size() + "",
                outside.isEmpty());
        goal(report, missed, "federated logins back within " + SoakBench.RECOVERY_GOAL_SECONDS + " s of the outage's "
                + "start", outage.recovered() ? String.format("%.1f s", recovery) : "never",
                outage.recovered() && recovery <= SoakBench.RECOVERY_GOAL_SECONDS);
        goal(report, missed, "heap after full GC at the end within 10% of the start", Report.ratio(heapRatio),
                heapRatio <= SoakBench.HEAP_GOAL);
        goal(report, missed, "no connection of Keycloak's left active or idle in a transaction",
                connections.busy().size() + "", connections.busy().isEmpty());
        return missed;
    }

    private void perMinute(Report report) {
        report.heading("Per minute");
        report.table("minute", "requests", "2xx", "4xx", "5xx", "no answer", "federated logins ok");
        int[] sum = new int[6];
        int minute = 0;
        List<Second> seconds = timeline.perSecond();
        for (Second s : seconds) {
            sum[0] += s.requests();
            sum[1] += s.ok();
            sum[2] += s.clientErrors();
            sum[3] += s.serverErrors();
            sum[4] += s.noAnswer();
            sum[5] += s.federatedLogins();
            if (s.second() % 60 == 59 || s == seconds.get(seconds.size() - 1)) {
                report.row(minute++, sum[0], sum[1], sum[2], sum[3], sum[4], sum[5]);
                sum = new int[6];
            }
        }
    }

    private String statuses(boolean inside) {
        List<String> parts = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            Map<Integer, Integer> counts = timeline.statuses(kind, outage, inside);
            if (!counts.isEmpty()) {
                parts.add(kind.name().toLowerCase().replace('_', ' ') + " " + counts);
            }
        }
        return parts.isEmpty() ? "none" : String.join("; ", parts);
    }

    private static void goal(Report report, List<String> missed, String goal, String measured, boolean met) {
        report.row(goal, measured, met ? "yes" : "**no**");
        if (!met) {
            missed.add(goal + " (" + measured + ")");
        }
    }

    private String at(long nanos) {
        return String.format("t=%.1f s", timeline.seconds(nanos));
    }

    private static String between(long from, long to) {
        return String.format("%.1f s", (to - from) / 1e9);
    }
}
