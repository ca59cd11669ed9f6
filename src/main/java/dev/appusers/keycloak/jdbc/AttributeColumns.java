package dev.appusers.keycloak.jdbc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.appusers.keycloak.config.AttributeColumn;

/** Resolves configured attribute columns against a table, expanding {@code *} to every column not otherwise mapped. */
final class AttributeColumns {

    private AttributeColumns() {
    }

    /**
     * @param mappedElsewhere columns the table's other settings map, in lower case ({@code *} leaves them out)
     * @param secret          a column that can never become an attribute (the password hash), or null
     */
    static List<MappedAttribute> resolve(String configKey, DbTable table, List<AttributeColumn> configured,
                                         Set<String> mappedElsewhere, String secret) {
        Map<String, MappedAttribute> byName = new LinkedHashMap<>();
        for (AttributeColumn entry : configured) {
            List<DbColumn> columns = new ArrayList<>();
            if (entry.isWildcard()) {
                table.columns().stream()
                        .filter(c -> !mappedElsewhere.contains(c.name().toLowerCase(Locale.ROOT)))
                        .filter(c -> !c.name().equalsIgnoreCase(secret))
                        .forEach(columns::add);
            } else {
                DbColumn column = table.column(configKey, entry.column());
                if (column.name().equalsIgnoreCase(secret)) {
                    throw new SchemaException(configKey + ": column " + column.name() + " holds password hashes "
                            + "and can never be mapped to an attribute");
                }
                columns.add(column);
            }
            for (DbColumn column : columns) {
                String name = entry.isWildcard() ? column.name() : entry.attribute();
                if (!byName.containsKey(name)) {
                    AttributeType type;
                    try {
                        type = AttributeType.of(configKey, column);
                    } catch (SchemaException e) {
                        if (entry.isWildcard()) {
                            continue; // '*' maps what can be mapped
                        }
                        throw e;
                    }
                    IdCodec codec = type == AttributeType.UUID ? IdCodec.forColumn(configKey, column) : null;
                    byName.put(name, new MappedAttribute(name, table.quoted(column), type, codec));
                }
            }
        }
        return List.copyOf(byName.values());
    }

    static Set<String> lower(String... names) {
        return java.util.Arrays.stream(names).filter(n -> n != null).map(n -> n.toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
    }
}
