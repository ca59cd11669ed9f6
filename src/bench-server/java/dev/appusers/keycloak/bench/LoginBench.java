package dev.appusers.keycloak.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.appusers.keycloak.bench.LoadRun.Result;
import dev.appusers.keycloak.it.AdminClient;
import dev.appusers.keycloak.it.OidcClient;

/**
 * Password grants at a fixed concurrency: federated against local users at the same argon2 parameters (alternating
 * rounds, so the machine's noise hits both), the app's heavier schemes with Keycloak's peak heap, and the heap after
 * many distinct users signed in.
 */
final class LoginBench {

    private final OidcClient oidc;
    private final AdminClient admin;
    private final String realm;
    private final Heap heap;
    private final Report report;
    private final int concurrency;
    private final Duration round;

    LoginBench(OidcClient oidc, AdminClient admin, String realm, Heap heap, Report report, int concurrency,
               Duration round) {
        this.oidc = oidc;
        this.admin = admin;
        this.realm = realm;
        this.heap = heap;
        this.report = report;
        this.concurrency = concurrency;
        this.round = round;
    }

    private Result logins(List<String> users, Duration duration, int max) {
        return LoadRun.run(concurrency, duration, max,
                n -> oidc.passwordGrant(users.get(n % users.size()), BenchData.PASSWORD).status() == 200);
    }

    /** (a) federated vs (b) local, same hash parameters; returns federated/local throughput. */
    double federatedAgainstLocal(List<String> federated, List<String> local, int rounds) {
        logins(federated, Duration.ofSeconds(5), 40);
        logins(local, Duration.ofSeconds(5), 40);
        List<Result> a = new ArrayList<>();
        List<Result> b = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            a.add(logins(federated, round, Integer.MAX_VALUE));
            b.add(logins(local, round, Integer.MAX_VALUE));
        }
        Result fed = Result.merge(a);
        Result loc = Result.merge(b);
        double ratio = fed.perSecond() / loc.perSecond();
        report.heading("Login overhead: password grants, concurrency " + concurrency + ", " + rounds
                + " alternating rounds of " + round.toSeconds() + " s");
        report.table("users", "hash", "logins", "failed", "logins/s", "p50", "p95");
        report.row("(a) federated (app table)", BenchData.AppHash.KEYCLOAK_ARGON2.label, fed.requests(),
                fed.failures(), String.format("%.1f", fed.perSecond()), Report.ms(fed.p50Micros()),
                Report.ms(fed.p95Micros()));
        report.row("(b) local (Keycloak's own)", "argon2id m=7168,t=5,p=1 (Keycloak's default)", loc.requests(),
                loc.failures(), String.format("%.1f", loc.perSecond()), Report.ms(loc.p50Micros()),
                Report.ms(loc.p95Micros()));
        report.line("");
        report.line("Federated / local throughput: **" + Report.ratio(ratio) + "** (goal >= 0.97); per round: "
                + perRound(a, b));
        return ratio;
    }

    private static String perRound(List<Result> a, List<Result> b) {
        List<String> ratios = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            ratios.add(Report.ratio(a.get(i).perSecond() / b.get(i).perSecond()));
        }
        return String.join(", ", ratios);
    }

    /** (c) the app's own heavier schemes: logins/s and Keycloak's peak heap while they run. */
    void heavierSchemes(Map<BenchData.AppHash, List<String>> groups) {
        report.heading("The app's own hash schemes (federated), concurrency " + concurrency + ", "
                + round.toSeconds() + " s each");
        report.table("hash", "logins", "failed", "logins/s", "p50", "p95", "peak heap used");
        for (Map.Entry<BenchData.AppHash, List<String>> group : groups.entrySet()) {
            logins(group.getValue(), Duration.ofSeconds(5), 8);
            Result[] result = new Result[1];
            long peak = heap.peakDuring(() -> result[0] = logins(group.getValue(), round, Integer.MAX_VALUE));
            Result r = result[0];
            report.row(group.getKey().label, r.requests(), r.failures(), String.format("%.1f", r.perSecond()),
                    Report.ms(r.p50Micros()), Report.ms(r.p95Micros()), peak + " MiB");
        }
    }

    /** Heap after GC before and after {@code count} logins of distinct users (sessions logged out, caches cleared). */
    double heapAfterDistinctLogins(int count, int scaleUsers) {
        settle();
        long before = heap.usedAfterGcMiB();
        Result run = LoadRun.run(concurrency, Duration.ofMinutes(6), count,
                n -> oidc.passwordGrant(ScaleBench.email(1 + (n * 7919L) % scaleUsers), BenchData.PASSWORD)
                        .status() == 200);
        long beforeSettling = heap.usedAfterGcMiB();
        settle();
        long after = heap.usedAfterGcMiB();
        double ratio = (double) after / before;
        report.heading("Memory: " + run.requests() + " logins of distinct users");
        report.table("heap used after full GC", "MiB");
        report.row("before", before);
        report.row("after the logins (their sessions still open, users in Keycloak's cache)", beforeSettling);
        report.row("after logging the sessions out and clearing the user cache", after);
        report.line("");
        report.line("After / before: **" + Report.ratio(ratio) + "** (goal <= 1.10); " + run.failures()
                + " failed logins; " + String.format("%.1f", run.perSecond()) + " logins/s (bcrypt 4 rounds)");
        return ratio;
    }

    private void settle() {
        AdminClient.expect(admin.post("/" + realm + "/logout-all", ""), 200, "logout all");
        AdminClient.expect(admin.post("/" + realm + "/clear-user-cache", ""), 204, "clear user cache");
    }
}
