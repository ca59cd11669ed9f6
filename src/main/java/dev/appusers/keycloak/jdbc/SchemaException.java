package dev.appusers.keycloak.jdbc;

/** A configured table or column that does not match the app database; the message tells the admin what exists. */
public final class SchemaException extends RuntimeException {

    public SchemaException(String message) {
        super(message);
    }
}
