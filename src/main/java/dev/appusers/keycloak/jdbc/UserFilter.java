package dev.appusers.keycloak.jdbc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.keycloak.models.UserModel;

/**
 * A WHERE clause and its parameters for a Keycloak user search, with Keycloak's own semantics (as {@code
 * JpaUserProvider}): {@code search} terms split on white space must all match; a term is a case-insensitive prefix of
 * username, email, first or last name, {@code *} is the wildcard, {@code %} and {@code _} are literal, and a
 * {@code "quoted"} term is exact. Values are always bound, never spliced into SQL.
 */
public final class UserFilter {

    /** Escape character of our LIKE patterns: not a backslash, which MariaDB reads as a string escape itself. */
    private static final char ESCAPE = '!';
    static final String LIKE_ESCAPE = " ESCAPE '" + ESCAPE + "'";

    private static final UserFilter NOTHING = new UserFilter(List.of("1 = 0"), List.of());
    private static final UserFilter EVERYTHING = new UserFilter(List.of(), List.of());

    private final List<String> conditions;
    private final List<Object> parameters;

    private UserFilter(List<String> conditions, List<Object> parameters) {
        this.conditions = List.copyOf(conditions);
        this.parameters = Collections.unmodifiableList(parameters);
    }

    public static UserFilter everything() {
        return EVERYTHING;
    }

    /** The filter for Keycloak's search parameters (the keys of {@link UserModel}). */
    public static UserFilter of(UserTable table, Map<String, String> params) {
        List<String> conditions = new ArrayList<>();
        List<Object> parameters = new ArrayList<>();
        boolean exact = Boolean.parseBoolean(params.get(UserModel.EXACT));
        for (Map.Entry<String, String> entry : params.entrySet()) {
            String value = entry.getValue();
            if (value == null) {
                continue;
            }
            if (value.indexOf('\0') >= 0) {
                return NOTHING; // no stored name holds NUL, and PostgreSQL refuses it as a parameter
            }
            switch (entry.getKey()) {
                case UserModel.SEARCH -> {
                    for (String term : value.trim().split("\\s+")) {
                        if (!term.isEmpty()) {
                            searchTerm(table, term, conditions, parameters);
                        }
                    }
                }
                case UserModel.USERNAME -> field(table.username, value, exact, conditions, parameters);
                case UserModel.EMAIL -> {
                    if (table.email == null) {
                        return NOTHING;
                    }
                    field(table.email, value, exact, conditions, parameters);
                }
                case UserModel.FIRST_NAME, UserModel.LAST_NAME -> {
                    String column = entry.getKey().equals(UserModel.FIRST_NAME) ? table.firstName : table.lastName;
                    if (column == null) {
                        return NOTHING;
                    }
                    field(column, value, exact, conditions, parameters);
                }
                case UserModel.ENABLED -> {
                    boolean wanted = Boolean.parseBoolean(value);
                    if (table.enabled == null) {
                        if (!wanted) {
                            return NOTHING;
                        }
                    } else {
                        conditions.add(table.enabled + " = ?");
                        parameters.add(wanted);
                    }
                }
                case UserModel.EMAIL_VERIFIED -> {
                    boolean wanted = Boolean.parseBoolean(value);
                    if (table.emailVerified == null) {
                        if (wanted) {
                            return NOTHING;
                        }
                    } else {
                        conditions.add(table.emailVerified + " = ?");
                        parameters.add(wanted);
                    }
                }
                // Keys that narrow nothing here: no app user is a service account, search flags, paging hints.
                case UserModel.EXACT, UserModel.INCLUDE_SERVICE_ACCOUNT, "first", "max" -> { }
                // Attributes mapped to columns; identity-provider links, groups, creation dates and other attributes
                // are not in the app's table.
                default -> {
                    MappedAttribute attribute = table.attribute(entry.getKey()).orElse(null);
                    boolean exactAttribute = Boolean.parseBoolean(params.getOrDefault(UserModel.EXACT, "true"));
                    if (attribute == null || !attributeCondition(attribute, value, exactAttribute, conditions,
                            parameters)) {
                        return NOTHING;
                    }
                }
            }
        }
        return new UserFilter(conditions, parameters);
    }

    /**
     * Text attributes match ignoring case (exactly, or as a substring when not exact), as Keycloak's attribute search;
     * other types match their parsed value. False when the value cannot be one of the column's values.
     */
    private static boolean attributeCondition(MappedAttribute attribute, String value, boolean exact,
                                              List<String> conditions, List<Object> parameters) {
        if (attribute.type() == AttributeType.TEXT) {
            field(attribute.column(), value, exact, conditions, parameters);
            return true;
        }
        try {
            parameters.add(attribute.parse(value));
        } catch (IllegalArgumentException e) {
            return false;
        }
        conditions.add(attribute.column() + " = ?");
        return true;
    }

    /** Adds one search term: any of the name columns matches it. */
    private static void searchTerm(UserTable table, String term, List<String> conditions, List<Object> parameters) {
        String value = term.toLowerCase(Locale.ROOT);
        List<String> columns = Stream.of(table.username, table.email, table.firstName, table.lastName)
                .filter(c -> c != null).distinct().toList();
        String predicate;
        Object parameter;
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            predicate = " = ?";
            parameter = value.substring(1, value.length() - 1);
        } else {
            boolean endsWithWildcard = value.endsWith("*");
            String pattern = escapeLike(value).replace("*", "%");
            if (pattern.isEmpty() || !endsWithWildcard) {
                pattern += "%";
            }
            predicate = " LIKE ?" + LIKE_ESCAPE;
            parameter = pattern;
        }
        conditions.add(columns.stream().map(c -> "lower(" + c + ")" + predicate)
                .collect(Collectors.joining(" OR ", "(", ")")));
        columns.forEach(c -> parameters.add(parameter));
    }

    private static void field(String column, String value, boolean exact, List<String> conditions, List<Object> parameters) {
        String lower = value.toLowerCase(Locale.ROOT);
        if (exact) {
            conditions.add("lower(" + column + ") = ?");
            parameters.add(lower);
        } else {
            conditions.add("lower(" + column + ") LIKE ?" + LIKE_ESCAPE);
            parameters.add("%" + escapeLike(lower) + "%");
        }
    }

    static String escapeLike(String value) {
        return value.replace(String.valueOf(ESCAPE), "" + ESCAPE + ESCAPE)
                .replace("%", ESCAPE + "%").replace("_", ESCAPE + "_");
    }

    /** {@code ""} or {@code " WHERE ..."}. */
    public String whereClause() {
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    public List<Object> parameters() {
        return parameters;
    }

    /** No condition: every user of the table. */
    public boolean isEverything() {
        return conditions.isEmpty() && this != NOTHING;
    }

    public boolean matchesNothing() {
        return this == NOTHING;
    }
}
