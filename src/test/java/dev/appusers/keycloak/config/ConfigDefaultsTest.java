package dev.appusers.keycloak.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.keycloak.component.ComponentModel;
import org.keycloak.provider.ProviderConfigProperty;

/** What the admin form shows as a key's default is what the parser takes when the key is absent. */
class ConfigDefaultsTest {

    /** What the parser made of each key with a default (and of some without), as the form writes values. */
    private static final Map<String, Function<AppUsersConfig, String>> PARSED = Map.ofEntries(
            Map.entry(ConfigKeys.DATASOURCE, AppUsersConfig::datasource),
            Map.entry(ConfigKeys.DB_SCHEMA, c -> c.dbSchema().orElse(null)),
            Map.entry(ConfigKeys.USER_TABLE, AppUsersConfig::userTable),
            Map.entry(ConfigKeys.USER_ID_COLUMN, AppUsersConfig::userIdColumn),
            Map.entry(ConfigKeys.USERNAME_COLUMN, AppUsersConfig::usernameColumn),
            Map.entry(ConfigKeys.EMAIL_COLUMN, c -> c.emailColumn().orElse(null)),
            Map.entry(ConfigKeys.PASSWORD_HASH_COLUMN, c -> c.passwordHashColumn().orElse(null)),
            Map.entry(ConfigKeys.ENABLED_COLUMN, c -> c.enabledColumn().orElse(null)),
            Map.entry(ConfigKeys.EMAIL_VERIFIED_COLUMN, c -> c.emailVerifiedColumn().orElse(null)),
            Map.entry(ConfigKeys.FIRST_NAME_COLUMN, c -> c.firstNameColumn().orElse(null)),
            Map.entry(ConfigKeys.LAST_NAME_COLUMN, c -> c.lastNameColumn().orElse(null)),
            Map.entry(ConfigKeys.LAST_MODIFIED_COLUMN, c -> c.lastModifiedColumn().orElse(null)),
            Map.entry(ConfigKeys.EDIT_MODE, c -> c.editMode().name()),
            Map.entry(ConfigKeys.QUERY_TIMEOUT_SECONDS, c -> String.valueOf(c.queryTimeoutSeconds())),
            Map.entry(ConfigKeys.PASSWORD_HASH_SCHEME, c -> c.write().passwordHashScheme()),
            Map.entry(ConfigKeys.UPGRADE_HASHES_ON_LOGIN, c -> String.valueOf(c.write().upgradeHashesOnLogin())),
            Map.entry(ConfigKeys.SYNC_REGISTRATIONS, c -> String.valueOf(c.write().syncRegistrations())),
            Map.entry(ConfigKeys.DELETE_ENABLED, c -> String.valueOf(c.write().deleteEnabled())),
            Map.entry(ConfigKeys.ROLES_ENABLED, c -> String.valueOf(c.roles().isPresent())),
            Map.entry(ConfigKeys.ROLE_TABLE, c -> c.roles().orElseThrow().roleTable()),
            Map.entry(ConfigKeys.ROLE_ID_COLUMN, c -> c.roles().orElseThrow().roleIdColumn()),
            Map.entry(ConfigKeys.ROLE_NAME_COLUMN, c -> c.roles().orElseThrow().roleNameColumn()),
            Map.entry(ConfigKeys.ROLE_DESCRIPTION_COLUMN, c -> c.roles().orElseThrow().description().orElse(null)),
            Map.entry(ConfigKeys.USER_ROLE_TABLE, c -> c.roles().orElseThrow().userRoleTable()),
            Map.entry(ConfigKeys.USER_ROLE_USER_COLUMN, c -> c.roles().orElseThrow().userRoleUserColumn()),
            Map.entry(ConfigKeys.USER_ROLE_ROLE_COLUMN, c -> c.roles().orElseThrow().userRoleRoleColumn()),
            Map.entry(ConfigKeys.ROLE_CLIENT_ID, c -> c.roles().orElseThrow().clientId().orElse(null)),
            Map.entry(ConfigKeys.CHANGE_TABLE, c -> c.changeTable().orElse(null)));

    @Test
    void theFormShowsEachKeysDeclaredDefaultAndNoOther() {
        for (ProviderConfigProperty property : ConfigProperties.all()) {
            assertThat(property.getDefaultValue()).as(property.getName())
                    .isEqualTo(ConfigDefaults.of(property.getName()));
        }
        assertThat(ConfigProperties.all()).extracting(ProviderConfigProperty::getName)
                .containsAll(ConfigDefaults.keys());
    }

    @Test
    void anEmptyConfigurationParsesToWhatTheFormShows() {
        AppUsersConfig parsed = AppUsersConfig.from(new ComponentModel());

        for (ProviderConfigProperty property : ConfigProperties.all()) {
            String key = property.getName();
            if (property.getDefaultValue() != null) {
                assertThat(PARSED).as("how the parser's value of %s is read", key).containsKey(key);
            }
            if (PARSED.containsKey(key)) {
                assertThat(PARSED.get(key).apply(parsed)).as(key).isEqualTo(property.getDefaultValue());
            }
        }
        assertThat(PARSED.keySet()).containsAll(ConfigDefaults.keys());
    }
}
