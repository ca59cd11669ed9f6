package dev.appusers.keycloak.scenarios.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.appusers.keycloak.it.AppDb;
import dev.appusers.keycloak.it.Http;
import dev.appusers.keycloak.it.ItRealm;
import dev.appusers.keycloak.it.LogHygiene;
import dev.appusers.keycloak.it.On;
import dev.appusers.keycloak.it.Target;

/** The admin console's Users page on federated users: list, pages, search with Keycloak's semantics, count. */
@On.Postgres
@On.Mariadb
@On.PostgresPrevious
@On.PostgresOldest
@On.ProductionDefaultCache
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchScenarios {

    private static final List<String> ALL = List.of("alice@example.com", "bob@example.com", "carol@example.com",
            "dave@example.com", "erin@example.com");

    /** The app database of the target this class runs on. */
    AppDb db() {
        return Target.current().db();
    }

    ItRealm realm;

    @BeforeAll
    void setUp() {
        realm = ItRealm.create(getClass());
        String schema = db().createFixtureSchema("search");
        db().lightenSeedHashes(schema);
        db().insertUser(schema, java.util.UUID.randomUUID(), "under_score@example.org", "$2b$04$x", true, true);
        db().insertUser(schema, java.util.UUID.randomUUID(), "percent%sign@example.org", "$2b$04$x", true, true);
        db().insertUser(schema, java.util.UUID.randomUUID(), "underxscore@example.org", "$2b$04$x", true, true);
        realm.admin.addFederation(realm.name, ItRealm.config("dbSchema", schema));
    }

    private List<String> usernames(String query) {
        Http.Response response = realm.admin.get("/" + realm.name + "/users" + query);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return Http.texts(response.json(), "username");
    }

    private int count(String query) {
        Http.Response response = realm.admin.get("/" + realm.name + "/users/count" + query);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().asInt();
    }

    @Test
    void listWithoutSearchShowsFederatedUsers() {
        assertThat(usernames("?first=0&max=100")).containsAll(ALL).hasSize(8);
    }

    @Test
    void pagesDoNotOverlapAndCoverEveryUser() {
        List<String> all = new ArrayList<>();
        for (int first = 0; first < 8; first += 3) {
            List<String> page = usernames("?first=" + first + "&max=3");
            assertThat(page).as("page from %d", first).hasSizeBetween(1, 3).noneMatch(all::contains);
            all.addAll(page);
        }
        assertThat(all).hasSize(8).containsAll(ALL);
    }

    @Test
    void searchIsACaseInsensitivePrefixMatch() {
        assertThat(usernames("?search=AL")).containsExactly("alice@example.com");
        assertThat(usernames("?search=example.com")).isEmpty();
    }

    @Test
    void starIsTheWildcard() {
        assertThat(usernames("?search=*example.com")).containsExactlyInAnyOrderElementsOf(ALL);
        assertThat(usernames("?search=*")).hasSize(8);
        assertThat(usernames("?search=c*l")).containsExactly("carol@example.com");
    }

    @Test
    void quotedSearchIsExact() {
        assertThat(usernames("?search=" + Http.encode("\"bob@example.com\""))).containsExactly("bob@example.com");
        assertThat(usernames("?search=" + Http.encode("\"bob@example\""))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"%", "_", "under_", "percent%", "'", "\\", "a' OR '1'='1"})
    void likeCharactersAndQuotesAreLiteral(String search) {
        List<String> found = usernames("?search=" + Http.encode(search));

        found.forEach(name -> assertThat(name).startsWith(search));
    }

    @Test
    void underscoreMatchesOnlyAnUnderscore() {
        assertThat(usernames("?search=under_")).containsExactly("under_score@example.org");
        assertThat(usernames("?search=" + Http.encode("percent%"))).containsExactly("percent%sign@example.org");
    }

    @Test
    void searchTermsSeparatedBySpacesMustAllMatch() {
        assertThat(usernames("?search=" + Http.encode("al *example.com"))).containsExactly("alice@example.com");
    }

    @Test
    void exactEmailAndUsernameLookups() {
        assertThat(usernames("?email=" + Http.encode("DAVE@example.com") + "&exact=true"))
                .containsExactly("dave@example.com");
        assertThat(usernames("?username=erin&exact=false")).containsExactly("erin@example.com");
        assertThat(usernames("?username=erin&exact=true")).isEmpty();
    }

    @Test
    void countMatchesTheList() {
        assertThat(count("")).isEqualTo(8);
        assertThat(count("?search=*example.com")).isEqualTo(5);
        assertThat(count("?search=zzz")).isZero();
    }

    @Test
    void enabledFilterReadsTheActiveColumn() {
        assertThat(usernames("?enabled=false")).containsExactly("carol@example.com");
    }

    @Test
    void userDetailsShowTheAppFlags() {
        JsonNode bob = realm.admin.getJson("/" + realm.name + "/users?username=bob@example.com&exact=true").get(0);

        assertThat(bob.get("enabled").asBoolean()).isTrue();
        assertThat(bob.get("emailVerified").asBoolean()).isFalse();
        assertThat(bob.get("email").asText()).isEqualTo("bob@example.com");
        assertThat(bob.get("federationLink").asText()).isNotBlank();
    }

    @org.junit.jupiter.api.AfterAll
    void logHoldsNoSecrets() {
        LogHygiene.assertNoSecretsIn(realm);
    }
}
