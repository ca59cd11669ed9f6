package dev.appusers.keycloak;

import java.util.Set;
import java.util.stream.Collectors;

import dev.appusers.keycloak.jdbc.MappedAttribute;
import dev.appusers.keycloak.jdbc.UserTable;

/**
 * Which of Keycloak's user fields the component maps to a column of the app's user table, and the names of the
 * attributes mapped to other columns.
 */
record MappedFields(boolean email, boolean firstName, boolean lastName, boolean enabled, boolean emailVerified,
                    Set<String> attributes) {

    static MappedFields of(UserTable table) {
        return new MappedFields(table.mapsEmail(), table.mapsFirstName(), table.mapsLastName(), table.mapsEnabled(),
                table.mapsEmailVerified(),
                table.attributes().stream().map(MappedAttribute::name).collect(Collectors.toUnmodifiableSet()));
    }
}
