package dev.appusers.keycloak.bench;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

import dev.appusers.keycloak.it.AdminClient;
import dev.appusers.keycloak.it.PgStatementLog;

/**
 * The admin console's user operations on the million-user tables, through Keycloak's admin REST API: latency of each
 * (one request at a time) and PostgreSQL's plan of each statement Keycloak sent for it.
 */
final class ScaleBench {

    private final AdminClient admin;
    private final String realm;
    private final PgStatementLog statements;
    private final Report report;
    private final int users;
    private final StringBuilder plans = new StringBuilder();
    private final String referenceRealm;
    private final ProcessCpu cpu;

    ScaleBench(AdminClient admin, String realm, String referenceRealm, PgStatementLog statements, Report report,
               int users, ProcessCpu cpu) {
        this.cpu = cpu;
        this.admin = admin;
        this.realm = realm;
        this.referenceRealm = referenceRealm;
        this.statements = statements;
        this.report = report;
        this.users = users;
    }

    static String email(long n) {
        return String.format("user%07d@scale.test", n);
    }

    /** What the admin console asks for (page size 10, so max=11), then heavier API requests beside them. */
    private Map<String, IntFunction<String>> consolePages() {
        Map<String, IntFunction<String>> operations = new LinkedHashMap<>();
        operations.put("list page (first page of the Users list)", n -> "/users?briefRepresentation=true&first=0&max=11");
        operations.put("a deep list page (first=10000)", n -> "/users?briefRepresentation=true&first=10000&max=11");
        operations.put("prefix search by email", n -> "/users?briefRepresentation=true&first=0&max=11&search=user"
                + String.format("%05d", (n * 37) % (users / 100)));
        operations.put("prefix search, as the console sends it (ui-ext/brute-force-user)",
                n -> "/ui-ext/brute-force-user?briefRepresentation=true&first=0&max=11&q=&search=user"
                        + String.format("%05d", (n * 41) % (users / 100)));
        operations.put("exact email lookup", n -> "/users?exact=true&email=" + email(1 + (n * 7919L) % users));
        operations.put("count", n -> "/users/count");
        operations.put("users in role (Users in role tab)", n -> "/roles/scale-role-" + (1 + n % 10)
                + "/users?briefRepresentation=true&first=0&max=11");
        return operations;
    }

    private Map<String, IntFunction<String>> apiRequests() {
        Map<String, IntFunction<String>> operations = new LinkedHashMap<>();
        operations.put("API: 100 users in role, full representation", n -> "/roles/scale-role-" + (1 + n % 10)
                + "/users?first=0&max=100");
        operations.put("API: 100 users, full representation", n -> "/users?first=" + (n % 10) * 100 + "&max=100");
        // Keycloak has no count of a provider's role members, so it asks each provider for first+max members and
        // skips first of them itself: the cost grows with the depth
        operations.put("users in role, page at first=1000 (100 clicks on Next)", n -> "/roles/scale-role-"
                + (1 + n % 10) + "/users?briefRepresentation=true&first=1000&max=11");
        return operations;
    }

    /**
     * Runs every operation {@code requests} times, interleaved (one request of each in turn, Keycloak alone among them)
     * so that the noisy machine weighs on all alike; the heavier API requests run every fifth turn. Returns the worst
     * p95 of the console's pages in microseconds. {@code warmUps} turns of every operation run untimed first;
     * {@code withReference} adds the same pages of Keycloak's own users (realm {@code referenceRealm}).
     */
    long measure(String title, int warmUps, int requests, boolean withReference) {
        report.heading(title);
        report.table("operation", "requests", "first request", "p50", "p95", "Keycloak CPU per request",
                "app DB statements",
                "PostgreSQL access paths");
        plans.append("\n# ").append(title).append('\n');
        Map<String, IntFunction<String>> console = consolePages();
        Map<String, IntFunction<String>> api = apiRequests();
        Map<String, Operation> operations = new LinkedHashMap<>();
        console.forEach((name, path) -> operations.put(name, first(name, "/" + realm, path)));
        api.forEach((name, path) -> operations.put(name, first(name, "/" + realm, path)));
        if (withReference) {
            // Keycloak's own users fill these pages, so the app database is not asked
            operations.put(REFERENCE + "list page", first(REFERENCE, "/" + referenceRealm,
                    n -> "/users?briefRepresentation=true&first=0&max=11"));
            operations.put(REFERENCE + "the console's search", first(REFERENCE, "/" + referenceRealm,
                    n -> "/ui-ext/brute-force-user?briefRepresentation=true&first=0&max=11&q=&search=local-"));
            operations.put(REFERENCE + "users in role", first(REFERENCE, "/" + referenceRealm, n -> "/roles/"
                    + ServerBenchmark.LOCAL_ROLE + "/users?briefRepresentation=true&first=0&max=11"));
        }
        for (int n = 1; n <= warmUps; n++) { // until Keycloak's JIT compiler has done the bulk of its work
            for (Operation operation : operations.values()) {
                admin.get(operation.base + operation.path.apply(n));
            }
        }
        for (int n = 1; n <= requests; n++) {
            for (Map.Entry<String, Operation> operation : operations.entrySet()) {
                if (!api.containsKey(operation.getKey()) || n % 5 == 0) {
                    operation.getValue().time(n);
                }
            }
        }
        long worst = 0;
        for (Map.Entry<String, Operation> entry : operations.entrySet()) {
            Operation operation = entry.getValue();
            List<Long> sorted = operation.sorted();
            long p95 = LoadRun.percentile(sorted, 95);
            if (console.containsKey(entry.getKey())) {
                worst = Math.max(worst, p95);
            }
            report.row(entry.getKey(), operation.micros.size() + (operation.failures > 0 ? " (" + operation.failures
                    + " failed)" : ""), Report.ms(operation.firstMicros),
                    Report.ms(LoadRun.percentile(sorted, 50)), Report.ms(p95),
                    Report.ms(operation.cpuMicros / Math.max(1, operation.micros.size())), operation.statements,
                    operation.paths);
        }
        return worst;
    }

    private static final String REFERENCE = "reference, Keycloak's own users: ";

    /** One operation's first request (timed; its statements explained), then its timed repeats. */
    private final class Operation {
        final String base;
        final IntFunction<String> path;
        final List<Long> micros = new ArrayList<>();
        long firstMicros;
        int statements;
        String paths;
        int failures;

        long cpuMicros;

        Operation(String base, IntFunction<String> path) {
            this.base = base;
            this.path = path;
        }

        void time(int n) {
            long cpuBefore = cpu.micros();
            long started = System.nanoTime();
            boolean ok = admin.get(base + path.apply(n)).status() == 200;
            micros.add((System.nanoTime() - started) / 1000);
            cpuMicros += cpu.micros() - cpuBefore;
            failures += ok ? 0 : 1;
        }

        List<Long> sorted() {
            return micros.stream().sorted().toList();
        }
    }

    private Operation first(String name, String base, IntFunction<String> path) {
        Operation operation = new Operation(base, path);
        int mark = statements.mark();
        long started = System.nanoTime();
        AdminClient.expect(admin.get(base + path.apply(0)), 200, base + path.apply(0));
        operation.firstMicros = (System.nanoTime() - started) / 1000;
        List<PgStatementLog.Statement> sent = statements.dataSince(mark);
        Set<String> paths = new LinkedHashSet<>();
        Set<String> explained = new HashSet<>();
        for (PgStatementLog.Statement statement : sent) {
            if (!explained.add(statement.sql())) {
                continue; // the same statement for the next chunk of a long result: explained once
            }
            String plan = Plans.explain(statement);
            plans.append("\n## ").append(name).append("\n").append(statement.sql())
                    .append("\n-- parameters: ").append(statement.parameters()).append('\n').append(plan)
                    .append('\n');
            paths.add(Plans.accessPaths(plan));
        }
        operation.statements = sent.size();
        operation.paths = String.join(" / ", paths);
        return operation;
    }

    String plans() {
        return plans.toString();
    }
}
