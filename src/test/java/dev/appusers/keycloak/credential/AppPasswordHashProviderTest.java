package dev.appusers.keycloak.credential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.keycloak.credential.hash.PasswordHashProviderFactory;
import org.keycloak.models.ModelException;
import org.keycloak.models.credential.PasswordCredentialModel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class AppPasswordHashProviderTest {

    record Sample(String scheme, String password, String hash) {
        @Override
        public String toString() {
            return scheme;
        }
    }

    static Stream<Sample> samples() throws Exception {
        try (InputStream in = AppPasswordHashProviderTest.class.getResourceAsStream("/appdb/hashes.json")) {
            List<Sample> samples = new ArrayList<>();
            for (JsonNode h : new ObjectMapper().readTree(in)) {
                samples.add(new Sample(h.get("scheme").asText(), h.get("password").asText(), h.get("hash").asText()));
            }
            return samples.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void everyFixtureHashBecomesACredentialOfARegisteredAlgorithmThatVerifiesOnlyItsPassword(Sample sample) {
        PasswordCredentialModel credential = AppHashes.credentialOf(sample.hash(), "component-1").orElseThrow();
        String algorithm = credential.getPasswordCredentialData().getAlgorithm();
        AppPasswordHashProvider provider = new AppPasswordHashProvider(algorithm, null);

        assertThat(registeredIds()).contains(algorithm);
        assertThat(AppHashes.isAppHash(credential)).isTrue();
        assertThat(provider.verify(sample.password(), credential)).isTrue();
        assertThat(provider.verify("wrong-" + sample.password(), credential)).isFalse();
        assertThat(provider.policyCheck(null, credential)).as("always re-hashed to the realm's policy").isFalse();
    }

    @Test
    void anImportedCredentialNamesTheComponentThatImportedIt() {
        PasswordCredentialModel credential = AppHashes.credentialOf("$2b$12$jGb85H7GMn9ScYrvYTPJWuNZxzZriFBWsIY7FqYg8ca"
                + "CEXd1S4QTy", "component-7").orElseThrow();
        PasswordCredentialModel stored = PasswordCredentialModel.createFromCredentialModel(credential);

        assertThat(AppHashes.componentOf(stored)).as("read back from the stored credential data").hasValue("component-7");
    }

    @Test
    void unknownOrBlankHashesGiveNoCredential() {
        assertThat(AppHashes.credentialOf("{SSHA}abc", "component-1")).isEmpty();
        assertThat(AppHashes.credentialOf(" ", "component-1")).isEmpty();
        assertThat(AppHashes.credentialOf(null, "component-1")).isEmpty();
    }

    @Test
    void anAppAlgorithmRefusesToHashNewPasswords() {
        assertThatThrownBy(() -> new AppPasswordHashProvider("app-bcrypt", null).encodedCredential("x", 1))
                .isInstanceOf(ModelException.class).hasMessageContaining("only verifies hashes imported from the app");
    }

    @Test
    void everySchemeIsRegisteredOnce() {
        assertThat(registeredIds()).containsExactlyInAnyOrderElementsOf(
                AppHashes.SCHEMES.stream().map(s -> AppHashes.ALGORITHM_PREFIX + s).toList());
    }

    private static List<String> registeredIds() {
        return ServiceLoader.load(PasswordHashProviderFactory.class).stream()
                .map(p -> p.get().getId()).filter(id -> id.startsWith(AppHashes.ALGORITHM_PREFIX)).toList();
    }
}
