package dev.appusers.keycloak.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import dev.appusers.keycloak.bench.LoadRun.Result;
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

    ScaleBench(AdminClient admin, String realm, String referenceRealm, PgStatementLog statements, Report report,
               int users) {
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

    private Map<String, IntFunction<String>> operations() {
        Map<String, IntFunction<String>> operations = new LinkedHashMap<>();
        operations.put("list page (first page of the Users list)", n -> "/users?briefRepresentation=true&first=0&max=11");
        operations.put("a deep list page (first=10000)", n -> "/users?briefRepresentation=true&first=10000&max=11");
        operations.put("prefix search by email", n -> "/users?briefRepresentation=true&first=0&max=11&search=user"
                + String.format("%05d", (n * 37) % (users / 100)));
        operations.put("exact email lookup", n -> "/users?exact=true&email=" + email(1 + (n * 7919L) % users));
        operations.put("count", n -> "/users/count");
        operations.put("users in role (first 100)", n -> "/roles/scale-role-" + (1 + n % 10) + "/users?first=0&max=100");
        return operations;
    }

    /** Runs every operation {@code requests} times; returns the worst p95 in microseconds. */
    long measure(String title, int requests) {
        report.heading(title);
        report.table("operation", "requests", "p50", "p95", "app DB statements", "PostgreSQL access paths");
        plans.append("\n# ").append(title).append('\n');
        long worst = 0;
        for (Map.Entry<String, IntFunction<String>> operation : operations().entrySet()) {
            int mark = statements.mark();
            expectOk(operation.getValue().apply(0));
            List<PgStatementLog.Statement> sent = statements.dataSince(mark);
            List<String> paths = new ArrayList<>();
            for (PgStatementLog.Statement statement : sent) {
                String plan = Plans.explain(statement);
                plans.append("\n## ").append(operation.getKey()).append("\n").append(statement.sql())
                        .append("\n-- parameters: ").append(statement.parameters()).append('\n').append(plan)
                        .append('\n');
                paths.add(Plans.accessPaths(plan));
            }
            Result result = LoadRun.run(1, Duration.ofSeconds(60), requests,
                    n -> admin.get("/" + realm + operation.getValue().apply(n + 1)).status() == 200);
            worst = Math.max(worst, result.p95Micros());
            report.row(operation.getKey(), result.requests() + (result.failures() > 0 ? " (" + result.failures()
                    + " failed)" : ""), Report.ms(result.p50Micros()), Report.ms(result.p95Micros()), sent.size(),
                    String.join(" / ", paths));
        }
        if (referenceRealm != null) {
            Result alone = LoadRun.run(1, Duration.ofSeconds(60), requests, n -> admin.get("/" + referenceRealm
                    + "/users?briefRepresentation=true&first=0&max=11").status() == 200);
            report.row("reference: Keycloak alone (a realm whose local users fill the first page)", alone.requests(),
                    Report.ms(alone.p50Micros()), Report.ms(alone.p95Micros()), 0, "");
        }
        return worst;
    }

    private void expectOk(String path) {
        AdminClient.expect(admin.get("/" + realm + path), 200, path);
    }

    String plans() {
        return plans.toString();
    }
}
