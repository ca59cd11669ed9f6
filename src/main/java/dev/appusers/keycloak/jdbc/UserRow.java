package dev.appusers.keycloak.jdbc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of the app's user table as Keycloak needs it. {@code id} is the canonical UUID text; absent columns are
 * {@code null}; {@code attributes} holds the mapped attribute columns that are not NULL. {@link #toString()} never
 * shows the password hash.
 */
public record UserRow(String id, String username, String email, String firstName, String lastName,
                      String passwordHash, boolean enabled, boolean emailVerified, Map<String, String> attributes) {

    /** The mapped attributes as Keycloak's attribute maps hold them: one value (the column's) per list. */
    public Map<String, List<String>> attributeLists() {
        Map<String, List<String>> lists = new LinkedHashMap<>();
        attributes.forEach((name, value) -> lists.put(name, List.of(value)));
        return lists;
    }

    @Override
    public String toString() {
        return "UserRow{id=" + id + "}";
    }
}
