package dev.appusers.keycloak.store;

import java.util.Optional;

import dev.appusers.keycloak.config.AppUsersConfig;
import dev.appusers.keycloak.jdbc.RoleRepository;
import dev.appusers.keycloak.jdbc.RoleTables;
import dev.appusers.keycloak.jdbc.UserRepository;
import dev.appusers.keycloak.jdbc.UserTable;
import dev.appusers.keycloak.jdbc.UserTotal;
import dev.appusers.keycloak.jdbc.UserWriter;
import dev.appusers.keycloak.password.HashingScheme;
import dev.appusers.keycloak.password.UnknownUserCost;

/** A component's configuration resolved against the app database once: what every request of it uses. */
public record ComponentMapping(AppUsersConfig config, UserTable userTable, UserRepository users, MappedFields mapped,
                               Optional<RoleTables> roleTables, Optional<RoleRepository> roles, UserWriter writer,
                               HashingScheme hashing, UnknownUserCost unknownUserCost, UserTotal total) {

    public static ComponentMapping of(AppUsersConfig config, UserTable userTable, RoleTables roleTables) {
        int timeout = config.queryTimeoutSeconds();
        HashingScheme hashing = config.write().hashingScheme();
        return new ComponentMapping(config, userTable, new UserRepository(userTable, timeout),
                MappedFields.of(userTable), Optional.ofNullable(roleTables),
                Optional.ofNullable(roleTables).map(tables -> new RoleRepository(tables, timeout)),
                new UserWriter(userTable, roleTables, timeout), hashing,
                new UnknownUserCost(hashing, config.costLimits()), new UserTotal());
    }
}
