package dev.appusers.keycloak.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.PgStatementLog;

/**
 * PostgreSQL's plan of a statement exactly as Keycloak sent it (SQL text and bound values read off the wire):
 * {@code PREPARE} of the text, {@code EXPLAIN (ANALYZE)} of an {@code EXECUTE} with the values as literals.
 */
final class Plans {

    private Plans() {
    }

    static String explain(PgStatementLog.Statement statement) {
        try (Connection c = AppDb.POSTGRES.connect(BenchData.DATABASE); Statement s = c.createStatement()) {
            s.execute("PREPARE bench_plan AS " + statement.sql());
            String arguments = statement.parameters().stream().map(Plans::literal).collect(Collectors.joining(", "));
            List<String> lines = new ArrayList<>();
            try (ResultSet plan = s.executeQuery("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) EXECUTE bench_plan"
                    + (arguments.isEmpty() ? "" : "(" + arguments + ")"))) {
                while (plan.next()) {
                    lines.add(plan.getString(1));
                }
            }
            s.execute("DEALLOCATE bench_plan");
            return String.join("\n", lines);
        } catch (SQLException e) {
            return "(no plan: " + e.getMessage() + ")";
        }
    }

    /** The plan's access paths in one line, e.g. {@code Index Scan using user_lower_email}. */
    static String accessPaths(String plan) {
        return plan.lines().map(String::strip).map(l -> l.startsWith("->") ? l.substring(2).strip() : l)
                .filter(l -> l.contains(" Scan") || l.startsWith("Bitmap"))
                .map(l -> l.replaceAll("\\s*\\(.*", "").replaceAll(" on \\S+( \\S+)?$", ""))
                .distinct().collect(Collectors.joining("; "));
    }

    private static String literal(String value) {
        if (value == null) {
            return "NULL";
        }
        return "'" + value.replace("'", "''") + "'";
    }
}
