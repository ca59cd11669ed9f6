package dev.appusers.keycloak.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.keycloak.component.ComponentModel;

class AttributeAndWriteConfigTest {

    private static AppUsersConfig config(String key, String... values) {
        ComponentModel model = new ComponentModel();
        model.getConfig().put(key, List.of(values));
        return AppUsersConfig.from(model);
    }

    @Test
    void attributeColumnsTakeAnOptionalAttributeNameAndTheWildcard() {
        List<AttributeColumn> columns = config("userAttributeColumns", "token_count", "NickName:nickname", "*")
                .userAttributeColumns();

        assertThat(columns).containsExactly(new AttributeColumn("token_count", "token_count"),
                new AttributeColumn("NickName", "nickname"), new AttributeColumn("*", null));
    }

    @Test
    void severalEntriesInOneValueAreSplitLikeTheAdminConsoleStoresThem() {
        assertThat(config("userAttributeColumns", "a##b, c").userAttributeColumns()).extracting(AttributeColumn::column)
                .containsExactly("a", "b", "c");
    }

    @Test
    void keycloakFieldsCannotBeAttributeNames() {
        assertThatThrownBy(() -> config("userAttributeColumns", "is_active:email"))
                .hasMessageContaining("userAttributeColumns: attribute email is one of Keycloak's own user fields");
    }

    @Test
    void columnPartIsCheckedLikeEveryConfiguredName() {
        assertThatThrownBy(() -> config("roleAttributeColumns", "created_at;--:x"))
                .hasMessageContaining("roleAttributeColumns: 'created_at;--' is not a table or column name");
    }

    @Test
    void defaultWriteSchemeIsLitestarUsersArgon2() {
        WriteConfig write = AppUsersConfig.from(new ComponentModel()).write();

        assertThat(write.hashingScheme().hash("pw")).startsWith("$argon2id$v=19$m=102400,t=2,p=8$");
        assertThat(write.syncRegistrations()).isFalse();
        assertThat(write.deleteEnabled()).isFalse();
    }

    @Test
    void schemeParametersAreNameValuePairs() {
        ComponentModel model = new ComponentModel();
        model.getConfig().putSingle("passwordHashScheme", "bcrypt");
        model.getConfig().putSingle("passwordHashParameters", "rounds=4");

        assertThat(AppUsersConfig.from(model).write().hashingScheme().hash("pw")).startsWith("$2b$04$");
    }

    @Test
    void badSchemeOrParametersAreRefusedOnSave() {
        assertThatThrownBy(() -> config("passwordHashScheme", "md5")).hasMessageContaining("passwordHashScheme: ")
                .hasMessageContaining("md5");
        ComponentModel model = new ComponentModel();
        model.getConfig().putSingle("passwordHashParameters", "m");
        assertThatThrownBy(() -> AppUsersConfig.from(model)).hasMessageContaining("passwordHashParameters: 'm' is not "
                + "name=value");
    }

    @Test
    void insertDefaultsAreColumnValuePairs() {
        assertThat(config("insertDefaults", "plan=basic", "credits=0").write().insertDefaults())
                .containsEntry("plan", "basic").containsEntry("credits", "0");
        assertThatThrownBy(() -> config("insertDefaults", "plan")).hasMessageContaining("insertDefaults: 'plan' is "
                + "not column=value");
    }
}
