package dev.appusers.keycloak.it;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/** Grants and revokes app roles as the app does: rows of {@code user_role} only, the user row left alone. */
public final class AppUserRoles {

    private AppUserRoles() {
    }

    public static void grant(AppDb db, String schema, String email, String role) {
        execute(db, schema, "INSERT INTO user_role (id, user_id, role_id) SELECT ?, u.id, r.id FROM " + db.userTable()
                + " u, role r WHERE u.email = ? AND r.name = ?", db.idValue(UUID.randomUUID()), email, role);
    }

    public static void revoke(AppDb db, String schema, String email, String role) {
        execute(db, schema, "DELETE FROM user_role WHERE user_id = (SELECT id FROM " + db.userTable()
                + " WHERE email = ?) AND role_id = (SELECT id FROM role WHERE name = ?)", email, role);
    }

    /** One statement with bound parameters; @return the rows it changed, which must be one or more */
    public static int execute(AppDb db, String schema, String sql, Object... parameters) {
        try (Connection c = db.connectTo(schema); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i]);
            }
            int changed = s.executeUpdate();
            if (changed < 1) {
                throw new IllegalStateException("no row changed: " + sql);
            }
            return changed;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
