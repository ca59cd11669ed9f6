package dev.appusers.keycloak.config;

import java.util.List;
import java.util.Optional;

/**
 * Where the app keeps its roles ({@code role}) and who has them ({@code user_role}), and which Keycloak container the
 * roles go to: the realm, or the client named by {@code roleClientId}.
 */
public record RolesConfig(String roleTable, String roleIdColumn, String roleNameColumn, String roleDescriptionColumn,
                          String userRoleTable, String userRoleUserColumn, String userRoleRoleColumn,
                          String roleClientId, List<AttributeColumn> attributeColumns) {

    public Optional<String> description() {
        return Optional.ofNullable(roleDescriptionColumn);
    }

    /** Empty: the app's roles are realm roles. */
    public Optional<String> clientId() {
        return Optional.ofNullable(roleClientId);
    }
}
