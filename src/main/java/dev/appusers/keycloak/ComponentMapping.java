package dev.appusers.keycloak;

import dev.appusers.keycloak.config.AppUsersConfig;
import dev.appusers.keycloak.jdbc.UserRepository;
import dev.appusers.keycloak.jdbc.UserTable;

/** A component's configuration resolved against the app database once: what every request of it uses. */
record ComponentMapping(AppUsersConfig config, UserTable userTable, UserRepository users, MappedFields mapped) {

    static ComponentMapping of(AppUsersConfig config, UserTable userTable) {
        return new ComponentMapping(config, userTable, new UserRepository(userTable, config.queryTimeoutSeconds()),
                MappedFields.of(userTable));
    }
}
