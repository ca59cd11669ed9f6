package dev.appusers.keycloak.scenarios.passwords;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
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
import dev.appusers.keycloak.it.Target;

/**
 * Rows whose hashes ask for more than the server can afford (a 1 or 2 GiB argon2, bcrypt cost 31, pbkdf2 with 2^31-1
 * rounds, SHA-crypt with 999,999,999 rounds) and passwords longer than any app accepts, against Keycloak on
 * {@code start-dev}'s own 512 MiB heap: each sign-in is refused within seconds, with a log line that says why, and
 * Keycloak stays up for everyone else. Before, the first of these sign-ins ended the JVM.
 */
@On.Postgres
@On.Mariadb
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileHashScenarios {

    static final String SHA512_HASH = "$6$rounds=656000$54auNBn2IZavkkow$QLNIBw8v7PrdPFoA.Du373PWrHXxxXP5SVFnXzRGmD2V0"
            + "sRKSwZS033Cc6ULls7aoH5A.UpkBpkRSh6UxQcw/1";

    /** The app database of the target this class runs on. */
    AppDb db() {
        return Target.current().db();
    }

    ItRealm realm;
    String schema;

    static Stream<Arguments> hostileRows() {
        return Stream.of(
                Arguments.of("argon2-1gib@x.org", "$argon2id$v=19$m=1048576,t=2,p=8$8v7f+z9HKOWc837P+f//fw"
                        + "$V9RoecpgT24QbQKy7uNWgQ", "erin-Secret-5"),
                Arguments.of("argon2-2gib@x.org", "$argon2id$v=19$m=2097152,t=2,p=8$8v7f+z9HKOWc837P+f//fw"
                        + "$V9RoecpgT24QbQKy7uNWgQ", "erin-Secret-5"),
                Arguments.of("argon2-t1024@x.org", "$argon2id$v=19$m=65536,t=1024,p=4$T4o17G06Yd44H7sAKIEFug"
                        + "$O3X4lU5wMP9mgVp7cmRgztLCtNjP+spwfvawWDdvt2Q", "bob-Secret-2"),
                Arguments.of("bcrypt-31@x.org", "$2b$31$jGb85H7GMn9ScYrvYTPJWuNZxzZriFBWsIY7FqYg8caCEXd1S4QTy",
                        "alice-Secret-1"),
                Arguments.of("pbkdf2-max@x.org", "$pbkdf2-sha256$2147483647$IQRACKG0ViqlFEJozZlzbg"
                        + "$IR/bgo16YNgaslmbI.ahbxIhgTlk4aoSGLjH3xcEJFQ", "carol-Secret-3"),
                Arguments.of("shacrypt-max@x.org", SHA512_HASH.replace("rounds=656000", "rounds=999999999"),
                        "s512-pw"));
    }

    @BeforeAll
    void setUp() {
        realm = ItRealm.create(getClass());
        schema = db().createFixtureSchema("hostile");
        hostileRows().forEach(row -> db().insertUser(schema, id((String) row.get()[0]), (String) row.get()[0],
                (String) row.get()[1], true, true));
        db().insertUser(schema, id("sha512@x.org"), "sha512@x.org", SHA512_HASH, true, true);
        realm.admin.addFederation(realm.name, ItRealm.config("dbSchema", schema, "rolesEnabled", "false"));
    }

    static UUID id(String email) {
        return UUID.nameUUIDFromBytes(email.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileRows")
    void hashBeyondTheServersMeansIsRefusedQuicklyAndKeycloakStaysUp(String email, String hash, String password) {
        long start = System.nanoTime();
        Http.Response response = realm.oidc.passwordGrant(email, password);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(response.status()).as(response.body()).isIn(OidcClient.REFUSED);
        assertThat(response.json().get("error").asText()).isEqualTo("invalid_grant");
        assertThat(millis).as("refused within 10 s").isLessThan(10_000).isGreaterThan(0);
        assertThat(realm.log()).as("the log names the user and why").contains(id(email).toString())
                .doesNotContain("OutOfMemoryError").doesNotContain(hash);
        assertKeycloakServesOthers();
    }

    @Test
    void passwordLongerThanAnyAppAcceptsIsRefusedBeforeHashing() {
        String huge = "x".repeat(128 * 1024);
        long start = System.nanoTime();
        Http.Response response = realm.oidc.passwordGrant("sha512@x.org", huge);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(response.status()).as(response.body()).isIn(OidcClient.REFUSED);
        assertThat(millis).as("no quadratic SHA-crypt over 128 KiB").isLessThan(10_000);
        assertThat(realm.oidc.passwordGrant("sha512@x.org", "s512-pw").status())
                .as("the same user with the app's password").isEqualTo(200);
    }

    private void assertKeycloakServesOthers() {
        Http.Response health = Http.send(HttpClient.newHttpClient(),
                HttpRequest.newBuilder(URI.create(realm.server.managementUrl() + "/health/ready")).build());
        assertThat(health.status()).as("Keycloak is up").isEqualTo(200);
        assertThat(realm.oidc.passwordGrant("sha512@x.org", "s512-pw").status()).as("another user signs in")
                .isEqualTo(200);
    }

    @AfterAll
    void logHoldsNoSecrets() {
        LogHygiene.assertNoSecretsIn(realm);
    }
}
