package dev.appusers.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.keycloak.component.ComponentModel;

import dev.appusers.keycloak.jdbc.UserRow;
import dev.appusers.keycloak.store.MappedFields;

class SessionUsersTest {

    private final SessionUsers users = new SessionUsers();
    private final ComponentModel component = new ComponentModel();

    SessionUsersTest() {
        component.setId("component-1");
    }

    private AppUserAdapter user(int n) {
        UserRow row = new UserRow("00000000-0000-0000-0000-" + String.format("%012d", n), "user" + n + "@app.test",
                "user" + n + "@app.test", null, null, "$2b$12$hash", true, true, Map.of());
        return new AppUserAdapter(null, null, component,
                row, new MappedFields(true, false, false, true, true, Map.of()), null);
    }

    @Test
    void aUserReadOnceIsFoundAgainByIdOrByWhatItHolds() {
        AppUserAdapter alice = user(1);
        users.remember(alice);

        assertThat(users.byAppId(alice.row().id())).isSameAs(alice);
        assertThat(users.where(u -> u.getUsername().equals("user1@app.test"))).isSameAs(alice);
        assertThat(users.where(u -> u.getUsername().equals("nobody"))).isNull();
    }

    @Test
    void aWalkOverManyUsersKeepsOnlyTheMostRecentlyUsed() {
        AppUserAdapter first = user(0);
        users.remember(first);
        for (int n = 1; n <= SessionUsers.MAX + 500; n++) {
            users.remember(user(n));
            if (n % 100 == 0) {
                users.byAppId(first.row().id()); // used again and again: kept
            }
        }

        assertThat(users.size()).isEqualTo(SessionUsers.MAX);
        assertThat(users.byAppId(first.row().id())).isSameAs(first);
        assertThat(users.byAppId(user(1).row().id())).isNull();
        assertThat(users.byAppId(user(SessionUsers.MAX + 500).row().id())).isNotNull();
    }

    @Test
    void aDeletedUserIsForgotten() {
        AppUserAdapter bob = user(2);
        users.remember(bob);
        users.forget(bob.row().id());

        assertThat(users.byAppId(bob.row().id())).isNull();
    }

    @Test
    void aValueThatMatchedNoRowIsNotLookedUpAgainInTheSameColumn() {
        users.rememberMissing("email", "Nobody@App.test");

        assertThat(users.isMissing("email", "nobody@app.test")).as("ignoring case, as the lookup").isTrue();
        assertThat(users.isMissing("username", "nobody@app.test")).as("another column").isFalse();
        assertThat(users.isMissing("email", "somebody@app.test")).isFalse();
    }

    @Test
    void aUserReadOrRemovedInTheSessionClearsWhatWasMissing() {
        users.rememberMissing("email", "user3@app.test");
        users.remember(user(3)); // e.g. registered in this session
        assertThat(users.isMissing("email", "user3@app.test")).isFalse();

        users.rememberMissing("email", "user3@app.test");
        users.forget(user(3).row().id());
        assertThat(users.isMissing("email", "user3@app.test")).isFalse();
    }
}
