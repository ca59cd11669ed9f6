package dev.appusers.keycloak;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.keycloak.component.ComponentModel;
import org.keycloak.models.KeycloakSession;

import org.keycloak.models.ModelException;

import dev.appusers.keycloak.config.AppUsersConfig;
import dev.appusers.keycloak.config.InvalidConfigException;
import dev.appusers.keycloak.jdbc.SchemaException;
import dev.appusers.keycloak.jdbc.AppDatabase;
import dev.appusers.keycloak.jdbc.TableAccess;
import dev.appusers.keycloak.jdbc.RoleTables;
import dev.appusers.keycloak.jdbc.UserTable;
import dev.appusers.keycloak.store.ComponentMapping;

/**
 * Resolved mappings per component, so the database's metadata is read once per configuration and not on every
 * request. A changed configuration (same component id, other config) is resolved anew.
 */
final class ComponentMappings {

    private record Entry(Map<String, ?> config, ComponentMapping mapping) {
    }

    private final Map<String, Entry> byComponentId = new ConcurrentHashMap<>();

    ComponentMapping get(KeycloakSession session, ComponentModel model) {
        Entry entry = byComponentId.get(model.getId());
        if (entry != null && entry.config().equals(model.getConfig())) {
            return entry.mapping();
        }
        ComponentMapping mapping;
        try {
            mapping = resolve(session, AppUsersConfig.from(model));
        } catch (SchemaException | InvalidConfigException e) {
            throw new ModelException("User federation " + model.getName() + " (app-users) does not match the app "
                    + "database: " + e.getMessage());
        }
        byComponentId.put(model.getId(), new Entry(Map.copyOf(model.getConfig()), mapping));
        return mapping;
    }

    static ComponentMapping resolve(KeycloakSession session, AppUsersConfig config) {
        return new AppDatabase(session, config.datasource()).run("reading the app's table definitions", connection -> ComponentMapping.of(
                config, UserTable.resolve(connection, config),
                config.roles().isEmpty() ? null : RoleTables.resolve(connection, config, config.roles().get())));
    }

    /**
     * {@link #resolve}, and a check that the datasource's database user may read every mapped table (on save).
     */
    static ComponentMapping resolveChecked(KeycloakSession session, AppUsersConfig config) {
        return new AppDatabase(session, config.datasource()).run("checking the app's tables", connection -> {
            UserTable users = UserTable.resolve(connection, config);
            RoleTables roles = config.roles().isEmpty() ? null
                    : RoleTables.resolve(connection, config, config.roles().get());
            TableAccess.checkReadable(connection, users, java.util.Optional.ofNullable(roles));
            return ComponentMapping.of(config, users, roles);
        });
    }

    void forget(String componentId) {
        byComponentId.remove(componentId);
    }
}
