package dev.appusers.keycloak;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.keycloak.component.ComponentModel;
import org.keycloak.models.UserModel;
import org.keycloak.storage.StorageId;
import org.keycloak.userprofile.AttributeContext;
import org.keycloak.userprofile.AttributeMetadata;
import org.keycloak.userprofile.AttributeValidatorMetadata;
import org.keycloak.userprofile.UserProfileMetadata;
import org.keycloak.userprofile.UserProfileUtil;
import org.keycloak.validate.ValidatorConfig;

import dev.appusers.keycloak.jdbc.AttributeType;
import dev.appusers.keycloak.store.MappedFields;

/**
 * How Keycloak's declarative user profile treats the component's users: attributes mapped to the app's columns are
 * declared (so admins see them without unmanaged attributes; users see and edit them in the account console when the
 * realm's user profile declares them so), fields that come from the app's table are read-only in READ_ONLY mode, and first and last name, which
 * Litestar-Users' table does not have, are not required of app users when no column maps them (otherwise every app
 * user would be sent to "update profile" at first login, and direct grants would fail with "Account is not fully set
 * up").
 *
 * <p>The metadata Keycloak passes in is its per-request copy of the realm's cached profile
 * ({@code DeclarativeUserProfileProvider.configureUserProfile} returns a clone), so adding conditions to it changes
 * nothing beyond this one profile, as LDAP's decorator does too.
 */
final class AppUserProfile {

    /** Keycloak's {@code ImmutableAttributeValidator}: refuses a changed value of a read-only attribute. */
    static final String IMMUTABLE = "up-immutable-attribute";

    private AppUserProfile() {
    }

    /**
     * Adjusts the existing metadata and returns the declarations of the attributes mapped to columns. As with
     * Keycloak's LDAP federation, a mapped attribute is the admins' alone (visible, and editable in WRITABLE mode)
     * unless the realm's own user profile declares it: then the realm's permissions and validators apply (the
     * operator's choice, e.g. users may view and edit it in the account console), except that in READ_ONLY mode
     * nobody can change it. Undeclared attributes are checked against the column's type so a bad value is refused
     * naming the attribute.
     */
    static List<AttributeMetadata> decorate(UserProfileMetadata metadata, ComponentModel component,
                                            MappedFields mapped, boolean writable) {
        String componentId = component.getId();
        Predicate<AttributeContext> appUser = context -> isAppUser(context.getUser(), componentId);
        int guiOrder = (int) metadata.getAttributes().stream().map(AttributeMetadata::getName).distinct().count();
        // a scratch profile creates the declarations (AttributeMetadata has no public constructor), admin-only as
        // Keycloak's UserProfileUtil.createAttributeMetadata makes them, with the column type's validators
        UserProfileMetadata scratch = new UserProfileMetadata(metadata.getContext());
        List<AttributeMetadata> declared = new ArrayList<>();
        for (Map.Entry<String, AttributeType> column : mapped.attributes().entrySet()) {
            String name = column.getKey();
            if (!metadata.getAttribute(name).isEmpty()) {
                continue;
            }
            declared.add(scratch.addAttribute(name, guiOrder++,
                            writable ? UserProfileUtil.ONLY_ADMIN_CONDITION : AttributeMetadata.ALWAYS_FALSE,
                            UserProfileUtil.ONLY_ADMIN_CONDITION, validators(column.getValue(), writable))
                    .setRequired(AttributeMetadata.ALWAYS_FALSE));
        }
        for (AttributeMetadata attribute : metadata.getAttributes()) {
            String name = attribute.getName();
            AttributeType column = mapped.attributes().get(name);
            if (column != null && writable) {
                // declared by the realm: its permissions apply, the column's type still holds
                attribute.addValidators(List.of(validators(column, true)));
            }
            if (mapped.maps(name) && !writable) {
                attribute.addWriteCondition(appUser.negate());
            } else if (!mapped.maps(name)
                    && (UserModel.FIRST_NAME.equals(name) || UserModel.LAST_NAME.equals(name))) {
                AttributeMetadata before = attribute.clone();
                attribute.setRequired(context -> before.isRequired(context) && !appUser.test(context));
            }
        }
        return declared;
    }

    /**
     * Keycloak's built-in validators for a column's type (the same checks the provider makes before writing, so the
     * user gets a form error instead of a failed save), and in READ_ONLY mode the refusal of a changed value.
     */
    static AttributeValidatorMetadata[] validators(AttributeType type, boolean writable) {
        List<AttributeValidatorMetadata> validators = new ArrayList<>();
        switch (type) {
            case INTEGER -> validators.add(new AttributeValidatorMetadata("integer"));
            case DECIMAL -> validators.add(new AttributeValidatorMetadata("double"));
            case BOOLEAN -> validators.add(new AttributeValidatorMetadata("options",
                    ValidatorConfig.builder().config("options", List.of("true", "false")).build()));
            case DATE -> validators.add(new AttributeValidatorMetadata("iso-date"));
            default -> { }
        }
        if (!writable) {
            validators.add(new AttributeValidatorMetadata(IMMUTABLE));
        }
        return validators.toArray(AttributeValidatorMetadata[]::new);
    }

    /** A user of the component: federated live ({@code f:<component>:...}) or imported (its federation link). */
    private static boolean isAppUser(UserModel user, String componentId) {
        return user != null && user.getId() != null && (componentId.equals(StorageId.providerId(user.getId()))
                || componentId.equals(user.getFederationLink()));
    }
}
