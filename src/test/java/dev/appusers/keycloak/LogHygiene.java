package dev.appusers.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import dev.appusers.keycloak.SeedUsers.HashSample;
import dev.appusers.keycloak.SeedUsers.SeedUser;
import dev.appusers.keycloak.it.KeycloakServer;

/**
 * Secrets never reach Keycloak's log: no password and no hash of the fixtures, at any level (the tests run the
 * provider's loggers at DEBUG). Every integration scenario checks the log when it ends.
 */
final class LogHygiene {

    private LogHygiene() {
    }

    static List<String> secrets() {
        List<String> secrets = new ArrayList<>();
        for (HashSample sample : SeedUsers.hashes()) {
            secrets.add(sample.hash());
            // the digest part alone must not leak either
            secrets.add(sample.hash().substring(sample.hash().lastIndexOf('$') + 1));
            if (sample.password().length() >= 6 && !sample.password().matches("x+")) {
                secrets.add(sample.password());
            }
        }
        for (SeedUser user : SeedUsers.users()) {
            secrets.add(user.password());
        }
        secrets.addAll(List.of("Dave-New-Secret-9", "Erin-New-Secret-9", "Newbie-Secret-1", "Local-Secret-1", "Gina-Own-Secret-7",
                "Hank-Own-Secret-7", "Ivy-Own-Secret-7", "Kate-Own-Secret-7"));
        secrets.addAll(ConcurrencyScenarios.passwords());
        secrets.addAll(List.of(KeycloakClusterIT.NEW_PASSWORD, KeycloakClusterIT.NEWER_PASSWORD));
        return secrets;
    }

    static void assertNoSecretsIn(KeycloakServer server) {
        String log = server.log();
        assertThat(log).as("Keycloak's log").contains("dev.appusers.keycloak");
        for (String secret : secrets()) {
            assertThat(log).as("Keycloak's log must not contain a password or hash").doesNotContain(secret);
        }
    }
}
