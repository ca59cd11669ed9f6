package dev.appusers.keycloak.sync;

import java.util.List;
import java.util.Optional;

import dev.appusers.keycloak.config.AppUsersConfig;
import dev.appusers.keycloak.jdbc.AppDatabase;
import dev.appusers.keycloak.jdbc.RoleRepository;
import dev.appusers.keycloak.jdbc.UserRepository;
import dev.appusers.keycloak.metrics.AppUsersMeters;

/**
 * What import and sync read from one component's app database: its configuration, the user and role repositories,
 * the names of the mapped attributes, and whether a last-modified column is mapped ("Sync changed users"). Its
 * database calls go to the component's meters once the component has them (its provider or sync created them).
 */
public record AppSource(String componentId, AppUsersConfig config, UserRepository users,
                        Optional<RoleRepository> roles, List<String> attributeNames, boolean tracksChanges) {

    /** The app database of this source in a session. */
    public AppDatabase database(org.keycloak.models.KeycloakSession session) {
        return new AppDatabase(session, config.datasource()).withNetworkTimeout(config.queryTimeoutSeconds())
                .metered(AppUsersMeters.server().existing(componentId));
    }
}
