package dev.appusers.keycloak.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.component.ComponentModel;

class AppUsersConfigTest {

    private static ComponentModel model(String... keyValues) {
        ComponentModel model = new ComponentModel();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            model.getConfig().putSingle(keyValues[i], keyValues[i + 1]);
        }
        return model;
    }

    @Test
    void emptyConfigurationMeansLitestarUsersDefaults() {
        AppUsersConfig config = AppUsersConfig.from(model());

        assertThat(config.userTable()).isEqualTo("user");
        assertThat(config.userIdColumn()).isEqualTo("id");
        assertThat(config.usernameColumn()).isEqualTo("email");
        assertThat(config.emailColumn()).contains("email");
        assertThat(config.passwordHashColumn()).contains("password_hash");
        assertThat(config.enabledColumn()).contains("is_active");
        assertThat(config.emailVerifiedColumn()).contains("is_verified");
        assertThat(config.firstNameColumn()).isEmpty();
        assertThat(config.dbSchema()).isEmpty();
        assertThat(config.editMode()).isEqualTo(EditMode.READ_ONLY);
        assertThat(config.queryTimeoutSeconds()).isEqualTo(5);
        RolesConfig roles = config.roles().orElseThrow();
        assertThat(roles.roleTable()).isEqualTo("role");
        assertThat(roles.userRoleTable()).isEqualTo("user_role");
        assertThat(roles.userRoleUserColumn()).isEqualTo("user_id");
        assertThat(roles.userRoleRoleColumn()).isEqualTo("role_id");
        assertThat(roles.clientId()).isEmpty();
    }

    @Test
    void optionalColumnSetEmptyIsNotMapped() {
        AppUsersConfig config = AppUsersConfig.from(model("enabledColumn", "", "emailColumn", " "));

        assertThat(config.enabledColumn()).isEmpty();
        assertThat(config.emailColumn()).isEmpty();
    }

    @Test
    void theChangeTableDefaultsToTheShippedScriptsNameAndEmptyTurnsTheFeedOff() {
        assertThat(AppUsersConfig.from(model()).changeTable()).contains("app_users_changes");
        assertThat(AppUsersConfig.from(model("changeTable", "")).changeTable()).isEmpty();
        assertThatThrownBy(() -> AppUsersConfig.from(model("changeTable", "changes; DROP TABLE x")))
                .isInstanceOf(InvalidConfigException.class).hasMessageStartingWith("changeTable: ");
    }

    @Test
    void theStatusLinesAreReadOnlyInTheFormAndNothingElseIs() {
        assertThat(ConfigProperties.all()).filteredOn(p -> p.getName().equals(ConfigKeys.CHANGE_FEED))
                .singleElement().satisfies(p -> assertThat(p.isReadOnly()).isTrue());
        assertThat(ConfigProperties.all()).filteredOn(p -> p.getName().equals(ConfigKeys.READINESS))
                .singleElement().satisfies(p -> assertThat(p.isReadOnly()).isTrue());
        assertThat(ConfigProperties.all()).filteredOn(p -> p.isReadOnly()).extracting(p -> p.getName())
                .containsExactlyInAnyOrder(ConfigKeys.CHANGE_FEED, ConfigKeys.READINESS, ConfigKeys.HASH_UPGRADES);
    }

    @ParameterizedTest
    @ValueSource(strings = {"user\"", "user;", "user --", "us'er", "a b", "user/*", "1user"})
    void identifiersThatCouldBreakSqlAreRefusedWithTheKey(String name) {
        assertThatThrownBy(() -> AppUsersConfig.from(model("userTable", name)))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("userTable: '" + name + "' is not a table or column name");
    }

    @Test
    void mixedCaseAndNonLatinNamesAreAccepted() {
        assertThat(AppUsersConfig.from(model("userTable", "AppUser", "emailColumn", "courriel_é")).userTable())
                .isEqualTo("AppUser");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "301", "abc", "-1"})
    void queryTimeoutOutsideOneToThreeHundredIsRefused(String value) {
        assertThatThrownBy(() -> AppUsersConfig.from(model("queryTimeoutSeconds", value)))
                .hasMessageContaining("queryTimeoutSeconds: '" + value + "' is not a number of seconds between 1 and 300");
    }

    @Test
    void oldHashesAreUpgradedAtSignInUnlessSwitchedOffAndTheFormShowsThatDefault() {
        assertThat(AppUsersConfig.from(model()).write().upgradeHashesOnLogin()).isTrue();
        assertThat(AppUsersConfig.from(model("upgradeHashesOnLogin", "false")).write().upgradeHashesOnLogin())
                .isFalse();
        assertThatThrownBy(() -> AppUsersConfig.from(model("upgradeHashesOnLogin", "sometimes")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("upgradeHashesOnLogin: 'sometimes' is not true or false");
        assertThat(ConfigProperties.all()).filteredOn(p -> p.getName().equals(ConfigKeys.UPGRADE_HASHES_ON_LOGIN))
                .singleElement().satisfies(p -> {
                    assertThat(p.getDefaultValue()).isEqualTo("true");
                    assertThat(p.getHelpText()).contains("one extra hash and one UPDATE per user, once");
                });
    }

    @Test
    void rolesCanBeSwitchedOffAndOnlyTrueOrFalseIsAccepted() {
        assertThat(AppUsersConfig.from(model("rolesEnabled", "false")).roles()).isEmpty();
        assertThatThrownBy(() -> AppUsersConfig.from(model("rolesEnabled", "yes")))
                .hasMessageContaining("rolesEnabled: 'yes' is not true or false");
    }

    @Test
    void unknownEditModeIsRefusedListingTheSupportedOnes() {
        assertThatThrownBy(() -> AppUsersConfig.from(model("editMode", "UNSYNCED")))
                .hasMessageContaining("editMode: 'UNSYNCED' is not supported; supported modes: [READ_ONLY");
    }
}
