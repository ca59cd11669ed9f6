package dev.appusers.keycloak.it;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * Every row of the app's {@code user}, {@code role} and {@code user_role} tables as text, in a stable order: two
 * snapshots are equal when Keycloak changed nothing in the app's tables (ids in BINARY(16) as hex).
 */
public final class AppTables {

    private AppTables() {
    }

    public static String snapshot(AppDb db, String schema) {
        return rows(db, schema, "SELECT * FROM " + db.userTable() + " ORDER BY email")
                + rows(db, schema, "SELECT * FROM role ORDER BY name")
                + rows(db, schema, "SELECT * FROM user_role ORDER BY id");
    }

    private static String rows(AppDb db, String schema, String query) {
        StringBuilder text = new StringBuilder(query).append('\n');
        try (Connection c = db.connectTo(schema); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    Object value = rs.getObject(i);
                    text.append(meta.getColumnLabel(i)).append('=')
                            .append(value instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : value).append(' ');
                }
                text.append('\n');
            }
        } catch (SQLException e) {
            throw new IllegalStateException(query + " failed: " + e.getMessage(), e);
        }
        return text.toString();
    }
}
