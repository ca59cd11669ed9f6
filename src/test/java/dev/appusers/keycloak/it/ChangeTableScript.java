package dev.appusers.keycloak.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Installs the change table and its triggers from the SQL scripts the jar ships ({@code sql/}), as an app team would:
 * the PostgreSQL script in one go (the driver splits it, dollar quotes included), the MariaDB one statement by
 * statement, honouring its {@code DELIMITER} lines as the mysql client does.
 */
public final class ChangeTableScript {

    private ChangeTableScript() {
    }

    public static void install(AppDb db, String schema) {
        try (Connection c = db.connectTo(schema)) {
            install(db, c);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Installs it on {@code c}, in its current schema. */
    public static void install(AppDb db, Connection c) {
        run(db, c, script("/sql/app-users-changes-" + (db == AppDb.POSTGRES ? "postgresql" : "mysql") + ".sql"));
    }

    /**
     * Installs the version an app installed before December 2026 ({@code appdb/changes-*-2026-12.sql}: no txid,
     * no index on changed_at), to check that the current script upgrades it.
     */
    public static void installPrevious(AppDb db, Connection c) {
        run(db, c, script("/appdb/changes-" + (db == AppDb.POSTGRES ? "postgresql" : "mysql") + "-2026-12.sql"));
    }

    private static void run(AppDb db, Connection c, String script) {
        try (Statement s = c.createStatement()) {
            if (db == AppDb.POSTGRES) {
                s.execute(script);
            } else {
                for (String statement : statements(script)) {
                    s.execute(statement);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("change table script failed on " + db.kind + ": " + e.getMessage(), e);
        }
    }

    /** Statements of a mysql-client script: split at the current delimiter, {@code DELIMITER x} lines change it. */
    static List<String> statements(String script) {
        List<String> statements = new ArrayList<>();
        String delimiter = ";";
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--") || trimmed.isEmpty() && current.isEmpty()) {
                continue;
            }
            if (trimmed.toUpperCase().startsWith("DELIMITER ")) {
                delimiter = trimmed.substring("DELIMITER ".length()).strip();
                continue;
            }
            current.append(line).append('\n');
            String text = current.toString().strip();
            if (text.endsWith(delimiter)) {
                statements.add(text.substring(0, text.length() - delimiter.length()).strip());
                current.setLength(0);
            }
        }
        return statements;
    }

    private static String script(String resource) {
        try (InputStream in = ChangeTableScript.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
