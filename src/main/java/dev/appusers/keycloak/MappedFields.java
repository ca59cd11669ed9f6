package dev.appusers.keycloak;

import java.util.Set;
import java.util.stream.Collectors;

import org.keycloak.models.UserModel;

import dev.appusers.keycloak.jdbc.MappedAttribute;
import dev.appusers.keycloak.jdbc.UserTable;

/**
 * Which of Keycloak's user fields the component maps to a column of the app's user table, and the names of the
 * attributes mapped to other columns.
 */
record MappedFields(boolean email, boolean firstName, boolean lastName, boolean enabled, boolean emailVerified,
                    Set<String> attributes) {

    /** Whether a Keycloak user attribute ({@code username}, {@code email}, ... or a custom one) comes from a column. */
    boolean maps(String attribute) {
        return switch (attribute) {
            case UserModel.USERNAME -> true;
            case UserModel.EMAIL -> email;
            case UserModel.FIRST_NAME -> firstName;
            case UserModel.LAST_NAME -> lastName;
            default -> attributes.contains(attribute);
        };
    }

    static MappedFields of(UserTable table) {
        return new MappedFields(table.mapsEmail(), table.mapsFirstName(), table.mapsLastName(), table.mapsEnabled(),
                table.mapsEmailVerified(),
                table.attributes().stream().map(MappedAttribute::name).collect(Collectors.toUnmodifiableSet()));
    }
}
