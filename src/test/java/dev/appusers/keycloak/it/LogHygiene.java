package dev.appusers.keycloak.it;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.appusers.keycloak.it.SeedUsers.HashSample;
import dev.appusers.keycloak.it.SeedUsers.SeedUser;

/**
 * Secrets never reach Keycloak's log: no password any test sent (recorded by the helpers that send them, wrong ones
 * included: {@link SentPasswords}), no password and no hash of the fixtures, at any level (the tests run the
 * provider's loggers at DEBUG). Every integration class checks its own part of the log when it ends ({@link
 * ItRealm#log()}): the parts of the classes that share a server cover its log, and each part is searched for every
 * password sent so far in the run, so a late leak fails the class in whose part it lands.
 */
public final class LogHygiene {

    private LogHygiene() {
    }

    /** The fixtures' secrets and every password sent so far. */
    public static Set<String> secrets() {
        Set<String> secrets = new LinkedHashSet<>();
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
        secrets.addAll(SentPasswords.all());
        return secrets;
    }

    /** This test class's part of the server's log holds no secret, nor any of {@code more}. */
    public static void assertNoSecretsIn(ItRealm realm, String... more) {
        assertNoSecretsIn("Keycloak's log since " + realm.name + " was created", realm.log(), more);
    }

    /** The whole log of a server the test class started for itself alone (a cluster's nodes) holds no secret. */
    public static void assertNoSecretsInWholeLog(KeycloakServer server) {
        assertNoSecretsIn("Keycloak's log at " + server.baseUrl(), server.log());
    }

    private static void assertNoSecretsIn(String what, String log, String... more) {
        if (!log.contains("dev.appusers.keycloak")) {
            throw new AssertionError(what + " holds no line of the provider's: is it the right log, at DEBUG?");
        }
        Set<String> secrets = secrets();
        secrets.addAll(List.of(more));
        List<String> leaks = new ArrayList<>();
        for (String secret : secrets) {
            int at = log.indexOf(secret);
            if (at >= 0) {
                int start = log.lastIndexOf('\n', at) + 1;
                int end = log.indexOf('\n', at);
                leaks.add("'" + secret + "' in: " + log.substring(start, end < 0 ? log.length() : end));
            }
        }
        if (!leaks.isEmpty()) {
            throw new AssertionError(what + " must not contain a password or hash (" + secrets.size()
                    + " searched for):\n" + String.join("\n", leaks));
        }
    }
}
