package dev.appusers.keycloak.scenarios.passwords;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.LogHygiene;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.it.SeedUsers;
import dev.appusers.keycloak.it.SeedUsers.HashSample;
import dev.appusers.keycloak.it.Target;

/**
 * Every hash the app side may have written ({@code appdb/hashes.json}, made by passlib, bcrypt and argon2-cffi) signs
 * its user in through Keycloak; a broken hash fails only its own user, with a log line that shows neither the hash
 * nor the password.
 */
@On.Postgres
@On.Mariadb
@On.PostgresPrevious
@On.PostgresOldest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HashSchemeScenarios {

    private static final String UNKNOWN_HASH = "{SSHA}c2VjcmV0c2FsdHNlY3JldHNhbHQ=";
    private static final String MALFORMED_HASH = "$argon2id$v=19$m=65536,t=3,p=4$!!notbase64!!$digest";

    /** The app database of the target this class runs on. */
    AppDb db() {
        return Target.current().db();
    }

    ItRealm realm;
    List<HashSample> samples = SeedUsers.hashes();
    UUID unknownSchemeUser = UUID.randomUUID();
    UUID malformedUser = UUID.randomUUID();

    @BeforeAll
    void setUp() {
        realm = ItRealm.create(getClass());
        String schema = db().createFixtureSchema("hashes");
        for (int i = 0; i < samples.size(); i++) {
            db().insertUser(schema, UUID.randomUUID(), "sample" + i + "@hashes.test", samples.get(i).hash(), true, true);
        }
        db().insertUser(schema, unknownSchemeUser, "unknown@hashes.test", UNKNOWN_HASH, true, true);
        db().insertUser(schema, malformedUser, "malformed@hashes.test", MALFORMED_HASH, true, true);
        realm.admin.addFederation(realm.name, ItRealm.config("dbSchema", schema));
    }

    Stream<Arguments> samples() {
        return IntStream.range(0, samples.size()).mapToObj(i -> Arguments.of(i, samples.get(i)));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("samples")
    void appHashVerifiesWithItsPassword(int index, HashSample sample) {
        Http.Response response = realm.oidc.passwordGrant("sample" + index + "@hashes.test", sample.password());

        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("samples")
    void appHashRefusesAnotherPassword(int index, HashSample sample) {
        Http.Response response = realm.oidc.passwordGrant("sample" + index + "@hashes.test", "wrong-" + sample.password());

        assertThat(response.status()).isIn(OidcClient.REFUSED);
        assertThat(response.json().get("error_description").asText()).isEqualTo("Invalid user credentials");
    }

    @Test
    void bcryptPasswordsAreCutAt72BytesAsTheAppDoesIt() {
        int index = IntStream.range(0, samples.size()).filter(i -> samples.get(i).hash().startsWith("$2a$04$"))
                .findFirst().orElseThrow();
        String longPassword = samples.get(index).password();
        assertThat(longPassword.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(72);

        String sameFirst72 = longPassword.substring(0, 72) + "anything after byte 72";

        assertThat(realm.oidc.passwordGrant("sample" + index + "@hashes.test", sameFirst72).status()).isEqualTo(200);
    }

    @Test
    void hashInAnUnknownFormatFailsOnlyThatUserWithAClearLogLine() {
        Http.Response refused = realm.oidc.passwordGrant("unknown@hashes.test", "Unknown-Scheme-Pw-3");

        assertThat(refused.status()).isIn(OidcClient.REFUSED);
        assertThat(refused.json().get("error_description").asText()).isEqualTo("Invalid user credentials");
        assertThat(realm.log()).contains("User " + unknownSchemeUser + " cannot sign in: the app's password hash "
                + "is in a format this provider does not recognise").doesNotContain(UNKNOWN_HASH);
        assertThat(realm.oidc.passwordGrant("sample0@hashes.test", samples.get(0).password()).status()).isEqualTo(200);
    }

    @Test
    void malformedHashFailsOnlyThatUserWithAClearLogLine() {
        Http.Response refused = realm.oidc.passwordGrant("malformed@hashes.test", "Malformed-Hash-Pw-3");

        assertThat(refused.status()).isIn(OidcClient.REFUSED);
        assertThat(realm.log()).contains("User " + malformedUser + " cannot sign in: the app's password hash is "
                + "malformed").doesNotContain("notbase64");
        assertThat(realm.oidc.passwordGrant("sample1@hashes.test", samples.get(1).password()).status()).isEqualTo(200);
    }

    @org.junit.jupiter.api.AfterAll
    void logHoldsNoSecrets() {
        LogHygiene.assertNoSecretsIn(realm);
    }
}
