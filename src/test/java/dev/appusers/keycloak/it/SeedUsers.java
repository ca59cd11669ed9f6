package dev.appusers.keycloak.it;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** The fixture's users and hash samples ({@code appdb/users.json}, {@code appdb/hashes.json}). */
public final class SeedUsers {

    public record SeedUser(String id, String email, String password, boolean active, boolean verified,
                           List<String> roles) {
    }

    public record HashSample(String scheme, String madeBy, String password, String hash) {
        @Override
        public String toString() {
            return scheme + " (" + madeBy + ")";
        }
    }

    public static List<SeedUser> users() {
        List<SeedUser> users = new ArrayList<>();
        for (JsonNode u : read("users.json")) {
            List<String> roles = new ArrayList<>();
            u.get("roles").forEach(r -> roles.add(r.asText()));
            users.add(new SeedUser(u.get("id").asText(), u.get("email").asText(), u.get("password").asText(),
                    u.get("is_active").asBoolean(), u.get("is_verified").asBoolean(), roles));
        }
        return users;
    }

    public static SeedUser user(String email) {
        return users().stream().filter(u -> u.email().equals(email)).findFirst().orElseThrow();
    }

    public static List<HashSample> hashes() {
        List<HashSample> samples = new ArrayList<>();
        for (JsonNode h : read("hashes.json")) {
            samples.add(new HashSample(h.get("scheme").asText(), h.get("made_by").asText(), h.get("password").asText(),
                    h.get("hash").asText()));
        }
        return samples;
    }

    private static JsonNode read(String name) {
        try {
            return Http.JSON.readTree(AppDb.resource(name));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bcrypt hash of dave's password ({@code dave-Secret-4}), for users the scenarios insert. */
    public static final String DAVE_HASH = "$2y$10$SaI5xdjfcTAb/eutsWCVCefOtgLc2wAi3cGRp7y4FI3iBuAqKth6e";

    private SeedUsers() {
    }
}
