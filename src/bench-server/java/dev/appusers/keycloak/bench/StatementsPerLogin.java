package dev.appusers.keycloak.bench;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.PgStatementLog;

/**
 * Counts what the app database is asked to execute per password login, read off the PostgreSQL wire (never from the
 * code): logins one at a time, each user once.
 */
final class StatementsPerLogin {

    private StatementsPerLogin() {
    }

    /** Counts over {@code users} logins; adds a row to the report's current table. */
    static double count(String label, OidcClient oidc, PgStatementLog log, List<String> users, Report report) {
        int total = 0;
        int max = 0;
        int repeated = 0;
        Map<String, Integer> shapes = new TreeMap<>();
        for (String user : users) {
            int mark = log.mark();
            if (oidc.passwordGrant(user, BenchData.PASSWORD).status() != 200) {
                throw new IllegalStateException("login of " + user + " failed");
            }
            // the change feed's polls run on their own clock: not part of a login
            List<PgStatementLog.Statement> sent = log.dataSince(mark).stream()
                    .filter(s -> !s.sql().contains(ChangeFeedBench.CHANGE_TABLE)).toList();
            total += sent.size();
            max = Math.max(max, sent.size());
            Set<PgStatementLog.Statement> distinct = new HashSet<>(sent);
            repeated += sent.size() - distinct.size();
            for (PgStatementLog.Statement statement : sent) {
                shapes.merge(shape(statement.sql()), 1, Integer::sum);
            }
        }
        double average = (double) total / users.size();
        StringBuilder kinds = new StringBuilder();
        shapes.forEach((sql, n) -> kinds.append(kinds.isEmpty() ? "" : "; ").append(n).append("x `").append(sql)
                .append('`'));
        report.row(label, users.size(), String.format("%.2f", average), max, repeated, kinds);
        return average;
    }

    /** The statement's kind: its first words up to the table, e.g. {@code SELECT ... FROM "user" WHERE ...}. */
    private static String shape(String sql) {
        String oneLine = sql.replaceAll("\\s+", " ").strip();
        int from = oneLine.toUpperCase().indexOf(" FROM ");
        int where = oneLine.toUpperCase().indexOf(" WHERE ");
        String head = oneLine.substring(0, oneLine.indexOf(' ') < 0 ? oneLine.length() : oneLine.indexOf(' '));
        String middle = from < 0 ? "" : oneLine.substring(from, where > from ? where : oneLine.length());
        return head + " ..." + middle + (where > 0 ? " WHERE ..." : "");
    }
}
