package dev.appusers.keycloak;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.keycloak.component.ComponentModel;

import org.keycloak.models.UserModel;
import org.keycloak.storage.StorageId;
import org.keycloak.userprofile.AttributeContext;
import org.keycloak.userprofile.AttributeMetadata;
import org.keycloak.userprofile.UserProfileMetadata;
import org.keycloak.userprofile.UserProfileUtil;

/**
 * How Keycloak's declarative user profile treats the component's users: attributes mapped to the app's columns are
 * declared (so admins see them), fields that come from the app's table are read-only (READ_ONLY mode), and first and last name, which Litestar-Users' table does not have, are not required
 * of app users when no column maps them (otherwise every app user would be sent to "update profile" at first login,
 * and direct grants would fail with "Account is not fully set up").
 */
final class AppUserProfile {

    private AppUserProfile() {
    }

    /**
     * Adjusts the existing metadata and returns the declarations of the attributes mapped to columns, which admins
     * then see on the user's Details page without turning on unmanaged attributes.
     */
    static List<AttributeMetadata> decorate(UserProfileMetadata metadata, ComponentModel component,
                                            MappedFields mapped, boolean writable) {
        String componentId = component.getId();
        Predicate<AttributeContext> appUser = context -> isAppUser(context.getUser(), componentId);
        int guiOrder = (int) metadata.getAttributes().stream().map(AttributeMetadata::getName).distinct().count();
        List<AttributeMetadata> declared = new ArrayList<>();
        for (String name : mapped.attributes()) {
            AttributeMetadata attribute = UserProfileUtil.createAttributeMetadata(name, metadata, guiOrder++,
                    component.getName());
            if (attribute != null) {
                if (!writable) {
                    attribute.addWriteCondition(AttributeMetadata.ALWAYS_FALSE);
                }
                declared.add(attribute);
            }
        }
        for (AttributeMetadata attribute : metadata.getAttributes()) {
            String name = attribute.getName();
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

    private static boolean isAppUser(UserModel user, String componentId) {
        return user != null && user.getId() != null && componentId.equals(StorageId.providerId(user.getId()));
    }
}
