package dev.appusers.keycloak.config;

/** A configuration value that cannot be used; the message tells the admin what to change. */
public final class InvalidConfigException extends RuntimeException {

    public InvalidConfigException(String message) {
        super(message);
    }
}
