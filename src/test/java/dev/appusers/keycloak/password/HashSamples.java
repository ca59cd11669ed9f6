package dev.appusers.keycloak.password;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The samples of {@code appdb/hashes.json}, made by passlib 1.7.4 / bcrypt 3.2.2 / argon2-cffi 21.1.0. */
final class HashSamples {

    /** One sample: the file's scheme label, password and hash. */
    record Sample(String scheme, String password, String hash) {
        @Override
        public String toString() {
            return scheme + " (" + password.length() + "-char password)";
        }
    }

    private HashSamples() {
    }

    static List<Sample> all() {
        try (InputStream in = HashSamples.class.getResourceAsStream("/appdb/hashes.json")) {
            if (in == null) {
                throw new IllegalStateException("appdb/hashes.json is not on the test classpath");
            }
            List<Sample> samples = new ArrayList<>();
            for (JsonNode node : new ObjectMapper().readTree(in)) {
                samples.add(new Sample(node.get("scheme").asText(), node.get("password").asText(),
                        node.get("hash").asText()));
            }
            return samples;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sample whose password is {@code password}. */
    static Sample byPassword(String password) {
        return all().stream().filter(s -> s.password().equals(password)).findFirst().orElseThrow();
    }

    /** The scheme id a sample's label maps to. */
    static String schemeId(String label) {
        return label.startsWith("argon2") ? "argon2" : label;
    }
}
