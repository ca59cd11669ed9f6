package dev.appusers.keycloak.jdbc;

import java.util.Map;

/** One row of the app's role table: its name, description (null when absent or not mapped) and mapped attributes. */
public record AppRole(String name, String description, Map<String, String> attributes) {
}
