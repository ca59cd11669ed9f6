package dev.appusers.keycloak.store;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.keycloak.models.UserModel;

import dev.appusers.keycloak.jdbc.AttributeType;
import dev.appusers.keycloak.jdbc.MappedAttribute;
import dev.appusers.keycloak.jdbc.UserTable;

/**
 * Which of Keycloak's user fields the component maps to a column of the app's user table, and the attributes mapped
 * to other columns with their columns' types, in the order of {@code userAttributeColumns}.
 */
public record MappedFields(boolean email, boolean firstName, boolean lastName, boolean enabled, boolean emailVerified,
                    Map<String, AttributeType> attributes) {

    /** Whether a Keycloak user attribute ({@code username}, {@code email}, ... or a custom one) comes from a column. */
    public boolean maps(String attribute) {
        return switch (attribute) {
            case UserModel.USERNAME -> true;
            case UserModel.EMAIL -> email;
            case UserModel.FIRST_NAME -> firstName;
            case UserModel.LAST_NAME -> lastName;
            default -> attributes.containsKey(attribute);
        };
    }

    public static MappedFields of(UserTable table) {
        Map<String, AttributeType> attributes = new LinkedHashMap<>();
        for (MappedAttribute attribute : table.attributes()) {
            attributes.put(attribute.name(), attribute.type());
        }
        return new MappedFields(table.mapsEmail(), table.mapsFirstName(), table.mapsLastName(), table.mapsEnabled(),
                table.mapsEmailVerified(), Collections.unmodifiableMap(attributes));
    }
}
