package dev.appusers.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.keycloak.representations.userprofile.config.UPAttribute;
import org.keycloak.representations.userprofile.config.UPAttributePermissions;
import org.keycloak.representations.userprofile.config.UPAttributeRequired;
import org.keycloak.representations.userprofile.config.UPConfig;

import dev.appusers.keycloak.jdbc.AttributeType;
import dev.appusers.keycloak.store.MappedFields;

/** What the provider adds to the realm's user profile for users it imports (the running server is in the ITs). */
class UserProfileDeclarationsTest {

    private static final Set<String> ADMIN = Set.of("admin");
    private static final Set<String> ADMIN_AND_USER = Set.of("admin", "user");

    /** Keycloak's default profile, in short: first and last name required of admins and users, with validators. */
    private static UPConfig defaultProfile() {
        UPConfig config = new UPConfig();
        config.addOrReplaceAttribute(new UPAttribute("username", new UPAttributePermissions(ADMIN_AND_USER, ADMIN_AND_USER)));
        config.addOrReplaceAttribute(new UPAttribute("email", new UPAttributePermissions(ADMIN_AND_USER, ADMIN_AND_USER),
                new UPAttributeRequired(ADMIN_AND_USER, Set.of())));
        for (String name : List.of("firstName", "lastName")) {
            UPAttribute attribute = new UPAttribute(name, new UPAttributePermissions(ADMIN_AND_USER, ADMIN_AND_USER),
                    new UPAttributeRequired(ADMIN_AND_USER, Set.of()));
            attribute.addValidation("length", Map.of("max", 255));
            config.addOrReplaceAttribute(attribute);
        }
        return config;
    }

    private static MappedFields mapped(boolean firstName, boolean lastName, String... attributes) {
        Map<String, AttributeType> columns = new LinkedHashMap<>();
        for (String name : attributes) {
            columns.put(name, AttributeType.INTEGER);
        }
        return new MappedFields(true, firstName, lastName, true, true, columns);
    }

    @Test
    void declaresMappedAttributesForAdminsAndMakesUnmappedNamesOptional() {
        UPConfig config = defaultProfile();

        UserProfileDeclarations.Added added = UserProfileDeclarations.addTo(config,
                mapped(false, false, "token_count", "nickname"));

        assertThat(added.declared()).containsExactly("token_count", "nickname");
        assertThat(added.waived()).containsExactly("firstName", "lastName");
        assertThat(added.describe()).isEqualTo("declared token_count, nickname (admins view and edit); "
                + "made firstName and lastName optional (no column maps them)");
        UPAttribute tokens = config.getAttribute("token_count");
        assertThat(tokens.getPermissions().getView()).containsExactly("admin");
        assertThat(tokens.getPermissions().getEdit()).containsExactly("admin");
        assertThat(tokens.getRequired()).isNull();
        assertThat(config.getAttribute("firstName").getRequired()).isNull();
        assertThat(config.getAttribute("lastName").getRequired()).isNull();
        // the waiver takes the requirement only: who may see and edit the name, and its checks, stay
        assertThat(config.getAttribute("firstName").getPermissions().getEdit()).isEqualTo(ADMIN_AND_USER);
        assertThat(config.getAttribute("firstName").getValidations()).containsKey("length");
        assertThat(config.getAttribute("email").getRequired()).isNotNull();
    }

    @Test
    void aSecondRunChangesNothing() {
        UPConfig config = defaultProfile();
        UserProfileDeclarations.addTo(config, mapped(false, false, "token_count"));
        UPConfig once = config.clone();

        UserProfileDeclarations.Added again = UserProfileDeclarations.addTo(config, mapped(false, false, "token_count"));

        assertThat(again.any()).isFalse();
        assertThat(config).isEqualTo(once);
    }

    @Test
    void aDeclarationTheRealmHasIsLeftAsTheAdminMadeIt() {
        UPConfig config = defaultProfile();
        UPAttribute strict = new UPAttribute("token_count", new UPAttributePermissions(ADMIN, Set.of()),
                new UPAttributeRequired(ADMIN, Set.of()));
        strict.addValidation("integer", Map.of("min", 0));
        config.addOrReplaceAttribute(strict);
        UPAttribute before = config.clone().getAttribute("token_count");

        UserProfileDeclarations.Added added = UserProfileDeclarations.addTo(config, mapped(false, false, "token_count"));

        assertThat(added.declared()).isEmpty();
        assertThat(config.getAttribute("token_count")).isEqualTo(before);
    }

    @Test
    void aMappedNameKeepsItsRequirement() {
        UPConfig config = defaultProfile();

        UserProfileDeclarations.Added added = UserProfileDeclarations.addTo(config, mapped(true, false));

        assertThat(added.waived()).containsExactly("lastName");
        assertThat(added.describe()).isEqualTo("made lastName optional (no column maps it)");
        assertThat(config.getAttribute("firstName").getRequired().getRoles()).isEqualTo(ADMIN_AND_USER);
        assertThat(config.getAttribute("lastName").getRequired()).isNull();
    }

    @Test
    void aProfileWithoutNamesOrWithOptionalNamesNeedsNoWaiver() {
        UPConfig config = defaultProfile();
        config.removeAttribute("lastName");
        config.getAttribute("firstName").setRequired(null);

        UserProfileDeclarations.Added added = UserProfileDeclarations.addTo(config, mapped(false, false));

        assertThat(added.any()).isFalse();
        assertThat(config.getAttribute("lastName")).isNull();
    }
}
