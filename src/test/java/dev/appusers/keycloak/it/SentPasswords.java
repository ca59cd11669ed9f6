package dev.appusers.keycloak.it;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Every password the tests send to Keycloak, recorded by the helpers that send it (password grants, login and
 * password forms, the browser's password field, credentials in admin requests), wrong ones included, so that the log
 * checks look for all of them without a hand-kept list. A password longer than {@link #PREFIX} characters (the flood's
 * 128 KiB ones) is recorded by its first {@link #PREFIX} characters: no part of it may reach the log either.
 */
public final class SentPasswords {

    /** How much of a long password is kept: enough to be unmistakable, small enough to search for. */
    public static final int PREFIX = 64;

    private static final Set<String> SENT = ConcurrentHashMap.newKeySet();

    private SentPasswords() {
    }

    /** Records a password a test is about to send (null and empty ones are nothing to look for). */
    public static void record(String password) {
        if (password != null && !password.isEmpty()) {
            SENT.add(password.length() > PREFIX ? password.substring(0, PREFIX) : password);
        }
    }

    /** Records the password fields of a form ({@code password}, {@code password-new}, {@code password-confirm} ...). */
    public static void recordForm(Map<String, String> fields) {
        fields.forEach((name, value) -> {
            if (name.toLowerCase(java.util.Locale.ROOT).contains("password")) {
                record(value);
            }
        });
    }

    /**
     * Records the passwords in an admin request's JSON body: the {@code value} of every credential of type
     * {@code password} (a user's {@code credentials}, a {@code reset-password} body) and any {@code password} field.
     */
    public static void recordJson(JsonNode node) {
        if (node.isObject()) {
            if ("password".equals(node.path("type").asText()) && node.path("value").isTextual()) {
                record(node.get("value").asText());
            }
            if (node.path("password").isTextual()) {
                record(node.get("password").asText());
            }
        }
        node.forEach(SentPasswords::recordJson);
    }

    /** @return every password recorded so far in this JVM */
    public static Set<String> all() {
        return Set.copyOf(SENT);
    }
}
