package dev.appusers.keycloak.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every statement PostgreSQL was asked to execute through the {@link TcpProxy}, read off the wire (PostgreSQL's
 * frontend protocol, see {@link PgWireReader}): what the database sees, not what the code says it sends. A test takes
 * a {@link #mark()} before an action and reads {@link #since(int)} after it.
 */
public final class PgStatementLog {

    /** One execution: the SQL text as parsed by the server and the parameter values bound to it. */
    public record Statement(String sql, List<String> parameters) {

        /** Transaction control, session settings and the pool's empty validation query: not the provider's work. */
        public boolean isControl() {
            String head = sql.strip().toUpperCase(Locale.ROOT);
            return head.isEmpty() || head.startsWith("BEGIN") || head.startsWith("COMMIT")
                    || head.startsWith("ROLLBACK") || head.startsWith("SET ") || head.startsWith("SHOW ")
                    || head.startsWith("SAVEPOINT") || head.startsWith("RELEASE") || head.startsWith("SELECT 1")
                    || head.startsWith("PREPARE TRANSACTION");
        }
    }

    private final List<Statement> executed = new ArrayList<>();

    synchronized void add(Statement statement) {
        executed.add(statement);
    }

    /** A position to read from later. */
    public synchronized int mark() {
        return executed.size();
    }

    /** Everything executed since {@code mark}. */
    public synchronized List<Statement> since(int mark) {
        return List.copyOf(executed.subList(mark, executed.size()));
    }

    /** The statements executed since {@code mark} that are not {@linkplain Statement#isControl() control}. */
    public List<Statement> dataSince(int mark) {
        return since(mark).stream().filter(s -> !s.isControl()).toList();
    }
}
