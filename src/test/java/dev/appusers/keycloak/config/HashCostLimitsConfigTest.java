package dev.appusers.keycloak.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.keycloak.component.ComponentModel;
import org.keycloak.provider.ProviderConfigProperty;

import dev.appusers.keycloak.password.CostLimits;

/** The {@code hashCostLimits} key: documented, parsed into {@link CostLimits}, validated on save. */
class HashCostLimitsConfigTest {

    private static AppUsersConfig config(String... keyValues) {
        ComponentModel model = new ComponentModel();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            model.getConfig().putSingle(keyValues[i], keyValues[i + 1]);
        }
        return AppUsersConfig.from(model);
    }

    @Test
    void absentOrEmptyMeansTheDefaults() {
        assertThat(config().costLimits()).isEqualTo(CostLimits.defaults());
        assertThat(config("hashCostLimits", "").costLimits()).isEqualTo(CostLimits.defaults());
        assertThat(config().toString()).contains("hashCostLimits=bcrypt=16,pbkdf2=2000000,");
    }

    @Test
    void givenCeilingsAreRead() {
        CostLimits limits = config("hashCostLimits", "bcrypt=14,argon2-t=8").costLimits();

        assertThat(limits.bcryptCost()).isEqualTo(14);
        assertThat(limits.argon2Iterations()).isEqualTo(8);
        assertThat(limits.shaCryptRounds()).isEqualTo(2_000_000);
    }

    @Test
    void aBadEntryIsRefusedOnSaveNamingTheKeyTheEntryAndTheAllowedNames() {
        assertThatThrownBy(() -> config("hashCostLimits", "bcrypt=14,scrypt=3"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("hashCostLimits: 'scrypt=3' is not name=value with a known name; allowed: "
                        + "bcrypt (4..31, default 16), pbkdf2 (1..2147483647, default 2000000), sha-crypt "
                        + "(1000..999999999, default 2000000), argon2-t (1..1024, default 64), argon2-work "
                        + "(8..2147483648, default 1048576)");
        assertThatThrownBy(() -> config("hashCostLimits", "bcrypt=40"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("hashCostLimits: 'bcrypt=40': bcrypt must be an integer in 4..31 (default 16)");
    }

    @Test
    void aWritingSchemeOverTheCeilingsIsRefusedOnSave() {
        assertThatThrownBy(() -> config("passwordHashScheme", "bcrypt", "passwordHashParameters", "rounds=17"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("passwordHashParameters: new hashes would be refused at sign-in: bcrypt cost=17 is over "
                        + "the ceiling bcrypt=16 (raise hashCostLimits or lower the parameters)");
        assertThat(config("passwordHashScheme", "bcrypt", "passwordHashParameters", "rounds=17",
                "hashCostLimits", "bcrypt=17").write().passwordHashParameters()).containsEntry("rounds", "17");
        assertThatThrownBy(() -> config("passwordHashParameters", "m=102400,t=2,p=8", "hashCostLimits",
                "argon2-work=100000")).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("argon2 work t*m (KiB-iterations)=204800 is over the ceiling argon2-work=100000");
    }

    @Test
    void theKeyIsDocumentedInTheAdminConsoleForm() {
        ProviderConfigProperty property = ConfigProperties.all().stream()
                .filter(p -> p.getName().equals(ConfigKeys.HASH_COST_LIMITS)).findFirst().orElseThrow();

        assertThat(property.getLabel()).isEqualTo("Password hash cost limits");
        assertThat(property.getHelpText()).contains("bcrypt=16,pbkdf2=2000000,sha-crypt=2000000,argon2-t=64,"
                + "argon2-work=1048576").contains("half of Keycloak's heap");
    }
}
