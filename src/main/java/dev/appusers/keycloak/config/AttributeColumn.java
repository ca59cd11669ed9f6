package dev.appusers.keycloak.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One entry of {@code userAttributeColumns} or {@code roleAttributeColumns}: a column and the attribute it becomes
 * ({@code column} or {@code column:attributeName}); the column {@code *} stands for every column not otherwise mapped.
 */
public record AttributeColumn(String column, String attribute) {

    public static final String ALL = "*";

    private static final Pattern ATTRIBUTE = Pattern.compile("[\\p{L}\\p{N}_.\\-]{1,255}");
    /** Keycloak's own user fields, mapped by their own settings. */
    private static final Set<String> RESERVED = Set.of("username", "email", "firstName", "lastName", "emailVerified",
            "enabled", "id", "createdTimestamp");

    public boolean isWildcard() {
        return ALL.equals(column);
    }

    /**
     * Parses the configured values; each value may also hold several entries separated by {@code ##} or commas.
     *
     * @throws InvalidConfigException naming the key and the entry
     */
    static List<AttributeColumn> parse(String key, List<String> values) {
        List<AttributeColumn> columns = new ArrayList<>();
        if (values == null) {
            return columns;
        }
        for (String value : values) {
            for (String entry : value.split("##|,")) {
                String trimmed = entry.trim();
                if (!trimmed.isEmpty()) {
                    columns.add(parseEntry(key, trimmed));
                }
            }
        }
        return List.copyOf(columns);
    }

    private static AttributeColumn parseEntry(String key, String entry) {
        if (entry.equals(ALL)) {
            return new AttributeColumn(ALL, null);
        }
        int colon = entry.indexOf(':');
        String column = AppUsersConfig.checkIdentifier(key, colon < 0 ? entry : entry.substring(0, colon).trim());
        String attribute = colon < 0 ? column : entry.substring(colon + 1).trim();
        if (!ATTRIBUTE.matcher(attribute).matches()) {
            throw new InvalidConfigException(String.format("%s: '%s' is not an attribute name; use letters, digits, "
                    + "'_', '.' or '-'", key, attribute));
        }
        if (RESERVED.contains(attribute)) {
            throw new InvalidConfigException(String.format("%s: attribute %s is one of Keycloak's own user fields; "
                    + "map it with its own setting or choose another name (column:attributeName)", key, attribute));
        }
        return new AttributeColumn(column, attribute);
    }
}
