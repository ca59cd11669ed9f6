package dev.appusers.keycloak.scenarios.login;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.LogHygiene;
import dev.appusers.keycloak.it.OidcClient;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.it.SeedUsers;
import dev.appusers.keycloak.it.SeedUsers.SeedUser;
import dev.appusers.keycloak.it.Target;

/** The app's seed users sign in through OIDC with the passwords the app hashed. */
@On.Postgres
@On.Mariadb
@On.MariadbMaxLifespan
@On.PostgresPrevious
@On.PostgresOldest
@On.ProductionDefaultCache
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoginScenarios {

    /** The app database of the target this class runs on. */
    AppDb db() {
        return Target.current().db();
    }

    ItRealm realm;
    String componentId;

    @BeforeAll
    void startKeycloak() {
        realm = ItRealm.create(getClass());
        componentId = realm.admin.addFederation(realm.name, ItRealm.config());
    }

    Stream<SeedUser> activeUsers() {
        return SeedUsers.users().stream().filter(SeedUser::active);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("activeUsers")
    void seedUserGetsTokensWithTheAppPasswordByDirectGrant(SeedUser user) {
        JsonNode claims = realm.oidc.accessTokenClaims(user.email(), user.password());

        assertThat(claims.get("email").asText()).isEqualTo(user.email());
        assertThat(claims.get("email_verified").asBoolean()).isEqualTo(user.verified());
        assertThat(claims.get("preferred_username").asText()).isEqualTo(user.email());
        assertThat(claims.get("sub").asText()).isEqualTo("f:" + componentId + ":" + user.id());
    }

    @Test
    void seedUserSignsInThroughTheCodeFlowWithPkce() {
        SeedUser alice = SeedUsers.user("alice@example.com");

        OidcClient.CodeFlowResult result = realm.oidc.codeFlow(alice.email(), alice.password());

        assertThat(result.tokenResponse()).as("login page: %s", result.loginPageHtml()).isNotNull();
        assertThat(result.tokenResponse().status()).isEqualTo(200);
        JsonNode idToken = OidcClient.claims(result.tokenResponse().json().get("id_token").asText());
        assertThat(idToken.get("email").asText()).isEqualTo(alice.email());
    }

    @Test
    void wrongPasswordIsRefusedAsInvalidCredentials() {
        Http.Response response = realm.oidc.passwordGrant("alice@example.com", "alice-Secret-2");

        assertThat(response.status()).isIn(OidcClient.REFUSED);
        assertThat(response.json().get("error").asText()).isEqualTo("invalid_grant");
        assertThat(response.json().get("error_description").asText()).isEqualTo("Invalid user credentials");
    }

    @Test
    void unknownUserIsRefusedAsInvalidCredentials() {
        Http.Response response = realm.oidc.passwordGrant("nobody@example.com", "whatever");

        assertThat(response.status()).isIn(OidcClient.REFUSED);
        assertThat(response.json().get("error").asText()).isEqualTo("invalid_grant");
        assertThat(response.json().get("error_description").asText()).isEqualTo("Invalid user credentials");
    }

    @Test
    void inactiveAppUserIsDisabledInKeycloak() {
        SeedUser carol = SeedUsers.user("carol@example.com");

        Http.Response response = realm.oidc.passwordGrant(carol.email(), carol.password());

        assertThat(response.status()).isIn(400, 401);
        assertThat(response.json().get("error_description").asText()).isEqualTo("Account disabled");
        JsonNode user = realm.admin.getJson("/" + realm.name + "/users/f:" + componentId + ":" + carol.id());
        assertThat(user.get("enabled").asBoolean()).isFalse();
    }

    @Test
    void usernameIsMatchedIgnoringCase() {
        SeedUser dave = SeedUsers.user("dave@example.com");

        JsonNode claims = realm.oidc.accessTokenClaims("DAVE@Example.COM", dave.password());

        assertThat(claims.get("email").asText()).isEqualTo("dave@example.com");
    }

    @Test
    void emailStoredInMixedCaseIsFoundAndShownInLowerCase() throws Exception {
        String schema = db().createFixtureSchema("mixedcase");
        db().executeIn(schema, "UPDATE " + (db() == AppDb.POSTGRES ? "\"user\"" : "user")
                + " SET email = 'Bob@Example.COM' WHERE email = 'bob@example.com';\n");
        String otherRealm = realm.name + "_mixed";
        realm.admin.deleteIfPresent("/" + otherRealm);
        realm.admin.createRealm(otherRealm);
        realm.admin.addFederation(otherRealm, ItRealm.config("dbSchema", schema));

        JsonNode claims = new OidcClient(realm.server, otherRealm).accessTokenClaims("bob@example.com", "bob-Secret-2");

        assertThat(claims.get("email").asText()).isEqualTo("bob@example.com");
        assertThat(List.of(claims.get("preferred_username").asText())).containsExactly("bob@example.com");
    }

    @org.junit.jupiter.api.AfterAll
    void logHoldsNoSecrets() {
        LogHygiene.assertNoSecretsIn(realm);
    }
}
