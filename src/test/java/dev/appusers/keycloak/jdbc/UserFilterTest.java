package dev.appusers.keycloak.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.UserModel;

import dev.appusers.keycloak.config.AppUsersConfig;

/** Keycloak's search semantics, on an in-memory H2 table (the ITs run the same on PostgreSQL and MariaDB). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UserFilterTest {

    private Connection connection;
    private UserTable table;
    private UserRepository users;

    @BeforeAll
    void createTable() throws Exception {
        connection = DriverManager.getConnection("jdbc:h2:mem:filter;DATABASE_TO_LOWER=TRUE", "sa", "");
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE \"user\" (id UUID PRIMARY KEY, email VARCHAR(320), password_hash VARCHAR(200), "
                    + "is_active BOOLEAN, is_verified BOOLEAN)");
            String[] emails = {"alice@example.com", "Bob@Example.com", "under_score@x.org", "underXscore@x.org",
                    "percent%sign@x.org", "back\\slash@x.org", "quote'd@x.org", "日本@例え.jp"};
            for (String email : emails) {
                s.execute("INSERT INTO \"user\" VALUES (RANDOM_UUID(), '" + email.replace("'", "''")
                        + "', 'h', true, false)");
            }
        }
        table = UserTable.resolve(connection, AppUsersConfig.from(new ComponentModel()));
        users = new UserRepository(table, 5);
    }

    @AfterAll
    void close() throws Exception {
        connection.close();
    }

    private List<String> search(String value) throws Exception {
        return users.search(connection, UserFilter.of(table, Map.of(UserModel.SEARCH, value)), 0, 100).stream()
                .map(UserRow::username).sorted().toList();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "al|alice@example.com",
            "BOB|bob@example.com",
            "under_|under_score@x.org",
            "percent%|percent%sign@x.org",
            "back\\|back\\slash@x.org",
            "quote'|quote'd@x.org",
            "日本|日本@例え.jp",
            "\"bob@example.com\"|bob@example.com",
            "a*e.com|alice@example.com"})
    void findsExactlyWhatKeycloakWould(String search, String expected) throws Exception {
        assertThat(search(search)).containsExactly(expected);
    }

    @Test
    void likeWildcardsTypedByUsersMatchNothingElse() throws Exception {
        assertThat(search("%")).isEmpty();
        assertThat(search("_")).isEmpty();
        assertThat(search("\"bob\"")).isEmpty();
        assertThat(search("x".repeat(10_000))).isEmpty();
    }

    @Test
    void starAloneListsEveryone() throws Exception {
        assertThat(search("*")).hasSize(8);
    }

    @Test
    void nulCharacterMatchesNothingWithoutReachingTheDatabase() throws Exception {
        assertThat(UserFilter.of(table, Map.of(UserModel.SEARCH, "a\0b")).matchesNothing()).isTrue();
    }

    @Test
    void unknownAttributeSearchMatchesNothing() {
        assertThat(UserFilter.of(table, Map.of("token_count", "1")).matchesNothing()).isTrue();
    }

    @Test
    void everyValueIsBoundNeverSplicedIntoSql() {
        UserFilter filter = UserFilter.of(table, Map.of(UserModel.SEARCH, "x' OR 1=1 --"));

        assertThat(filter.whereClause()).doesNotContain("OR 1=1").contains("?");
        assertThat(filter.parameters()).isNotEmpty().allSatisfy(p -> assertThat(p.toString()).doesNotContain("*"));
    }

    @Test
    void pagesAreStableAndDisjoint() throws Exception {
        List<UserRow> first = users.search(connection, UserFilter.everything(), 0, 4);
        List<UserRow> second = users.search(connection, UserFilter.everything(), 4, 4);

        assertThat(first).hasSize(4);
        assertThat(second).hasSize(4).doesNotContainAnyElementsOf(first);
        assertThat(users.count(connection, UserFilter.everything())).isEqualTo(8);
    }

    @ParameterizedTest
    @CsvSource({"*", "*x.org"})
    void deeperPagesContinueTheFirstInIdOrder(String search) throws Exception {
        UserFilter filter = UserFilter.of(table, Map.of(UserModel.SEARCH, search));
        List<String> all = users.search(connection, filter, 0, 100).stream().map(UserRow::id).toList();
        List<String> paged = new java.util.ArrayList<>();
        for (int first = 0; first < all.size() + 3; first += 3) {
            users.search(connection, filter, first, 3).forEach(row -> paged.add(row.id()));
        }

        assertThat(all).hasSizeGreaterThan(3);
        assertThat(paged).isEqualTo(all);
    }
}
