package dev.appusers.keycloak.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Keycloak's build ({@code lib/quarkus/}, what {@code start-dev} makes before it starts when the build-time options
 * changed) kept per Keycloak version and build-time configuration for the rest of the run, so a server of a
 * configuration built before (in another suite, in the other fork's copy of the distribution) starts without building
 * again: Keycloak compares the build it finds with its options and the provider jar's time stamp, as it does for a
 * copied home ({@link KeycloakCluster}), and builds anew if anything differs.
 */
final class BuildCache {

    private static final Path ROOT = Path.of("target", "keycloak-builds");

    private final Path home;
    private final Path entry;

    private BuildCache(Path home, Path entry) {
        this.home = home;
        this.entry = entry;
    }

    /** The cache entry of {@code home}'s version with these build-time options and {@code conf/quarkus.properties}. */
    static BuildCache of(Path home, List<String> buildOptions, String quarkusProperties, Path providerJar) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(String.join("\n", buildOptions.stream().sorted().toList()).getBytes(StandardCharsets.UTF_8));
            digest.update(quarkusProperties.getBytes(StandardCharsets.UTF_8));
            digest.update((Files.size(providerJar) + "/" + Files.getLastModifiedTime(providerJar).toMillis())
                    .getBytes(StandardCharsets.UTF_8));
            String key = home.getFileName() + "-" + HexFormat.of().formatHex(digest.digest()).substring(0, 16);
            return new BuildCache(home, ROOT.resolve(key).toAbsolutePath());
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Puts the kept build into the home, if there is one: Keycloak then starts without building. */
    void restore() throws IOException {
        if (!Files.isDirectory(entry)) {
            return;
        }
        Path quarkus = home.resolve("lib/quarkus");
        try (Stream<Path> files = Files.list(entry)) {
            for (Path file : files.toList()) {
                Files.copy(file, quarkus.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    /** Keeps the home's build, once the server it was made for is ready (written aside, then moved in place). */
    void keep() throws IOException {
        if (Files.isDirectory(entry)) {
            return;
        }
        Path staging = Files.createTempDirectory(Files.createDirectories(ROOT), "staging-");
        try (Stream<Path> files = Files.list(home.resolve("lib/quarkus"))) {
            for (Path file : files.toList()) {
                Files.copy(file, staging.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        try {
            Files.move(staging, entry, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            KeycloakServer.deleteRecursively(staging); // the other fork kept the same build meanwhile
        }
    }
}
