package dev.appusers.keycloak;

import dev.appusers.keycloak.jdbc.UserTable;

/** Which of Keycloak's user fields the component maps to a column of the app's user table. */
record MappedFields(boolean email, boolean firstName, boolean lastName, boolean enabled, boolean emailVerified) {

    static MappedFields of(UserTable table) {
        return new MappedFields(table.mapsEmail(), table.mapsFirstName(), table.mapsLastName(), table.mapsEnabled(),
                table.mapsEmailVerified());
    }
}
