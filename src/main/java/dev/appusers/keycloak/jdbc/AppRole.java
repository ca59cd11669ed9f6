package dev.appusers.keycloak.jdbc;

/** One row of the app's role table: its name and description (null when absent or not mapped). */
public record AppRole(String name, String description) {
}
