package dev.appusers.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.component.ComponentModel;
import org.keycloak.userprofile.AttributeContext;
import org.keycloak.userprofile.AttributeMetadata;
import org.keycloak.userprofile.AttributeValidatorMetadata;
import org.keycloak.userprofile.UserProfileContext;
import org.keycloak.userprofile.UserProfileMetadata;

import dev.appusers.keycloak.jdbc.AttributeType;
import dev.appusers.keycloak.store.MappedFields;

/** What the provider declares to Keycloak's user profile for mapped columns (the running server is in the ITs). */
class AppUserProfileTest {

    private static List<AttributeMetadata> decorate(UserProfileMetadata metadata, boolean writable) {
        ComponentModel component = new ComponentModel();
        component.setId("c1");
        component.setName("app-users");
        Map<String, AttributeType> attributes = new LinkedHashMap<>();
        attributes.put("token_count", AttributeType.INTEGER);
        attributes.put("nickname", AttributeType.TEXT);
        attributes.put("newsletter", AttributeType.BOOLEAN);
        return AppUserProfile.decorate(metadata, component,
                new MappedFields(true, false, false, true, true, attributes), writable);
    }

    private static UserProfileMetadata realmProfile(String... declared) {
        UserProfileMetadata metadata = new UserProfileMetadata(UserProfileContext.ACCOUNT);
        metadata.addAttribute("username", 0, List.of());
        metadata.addAttribute("email", 1, List.of());
        for (String name : declared) {
            metadata.addAttribute(name, 2, List.of());
        }
        return metadata;
    }

    private static List<String> validatorIds(AttributeMetadata attribute) {
        return attribute.getValidators().stream().map(AttributeValidatorMetadata::getValidatorId).toList();
    }

    private static AttributeContext in(UserProfileContext context, AttributeMetadata attribute) {
        return new AttributeContext(context, null, null, null, attribute, null);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void mappedAttributesAreTheAdminsInOrderAndEditableOnlyWhenWritable(boolean writable) {
        List<AttributeMetadata> declared = decorate(realmProfile(), writable);

        assertThat(declared).extracting(AttributeMetadata::getName)
                .containsExactly("token_count", "nickname", "newsletter");
        assertThat(declared).extracting(AttributeMetadata::getGuiOrder).containsExactly(2, 3, 4);
        for (AttributeMetadata attribute : declared) {
            AttributeContext admin = in(UserProfileContext.USER_API, attribute);
            AttributeContext account = in(UserProfileContext.ACCOUNT, attribute);
            assertThat(attribute.canView(admin)).as(attribute.getName()).isTrue();
            assertThat(attribute.canEdit(admin)).as(attribute.getName()).isEqualTo(writable);
            // as with LDAP: users see a mapped attribute only when the realm's user profile declares it
            assertThat(attribute.canView(account)).as(attribute.getName()).isFalse();
            assertThat(attribute.canEdit(account)).as(attribute.getName()).isFalse();
            assertThat(attribute.isRequired(admin)).as(attribute.getName()).isFalse();
        }
    }

    @Test
    void typedColumnsGetKeycloaksValidatorsAndReadOnlyOnesTheImmutableCheck() {
        Map<String, AttributeMetadata> writable = byName(decorate(realmProfile(), true));
        Map<String, AttributeMetadata> readOnly = byName(decorate(realmProfile(), false));

        assertThat(validatorIds(writable.get("token_count"))).containsExactly("integer");
        assertThat(validatorIds(writable.get("nickname"))).isEmpty();
        assertThat(validatorIds(writable.get("newsletter"))).containsExactly("options");
        assertThat(writable.get("newsletter").getValidators().get(0).getValidatorConfig().get("options"))
                .isEqualTo(List.of("true", "false"));
        assertThat(validatorIds(readOnly.get("token_count"))).containsExactly("integer", AppUserProfile.IMMUTABLE);
        assertThat(validatorIds(readOnly.get("nickname"))).containsExactly(AppUserProfile.IMMUTABLE);
    }

    @Test
    void decimalAndDateColumnsAreCheckedToo() {
        assertThat(AppUserProfile.validators(AttributeType.DECIMAL, true))
                .extracting(AttributeValidatorMetadata::getValidatorId).containsExactly("double");
        assertThat(AppUserProfile.validators(AttributeType.DATE, true))
                .extracting(AttributeValidatorMetadata::getValidatorId).containsExactly("iso-date");
        assertThat(AppUserProfile.validators(AttributeType.TIMESTAMP, true)).isEmpty();
    }

    @Test
    void anAttributeTheRealmDeclaresIsLeftToTheRealmsConfiguration() {
        List<AttributeMetadata> declared = decorate(realmProfile("token_count"), true);

        assertThat(declared).extracting(AttributeMetadata::getName).containsExactly("nickname", "newsletter");
    }

    private static Map<String, AttributeMetadata> byName(List<AttributeMetadata> attributes) {
        Map<String, AttributeMetadata> byName = new LinkedHashMap<>();
        attributes.forEach(a -> byName.put(a.getName(), a));
        return byName;
    }
}
