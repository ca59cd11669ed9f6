package dev.appusers.keycloak.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README stays an operator's page and the pages under docs/ stay linked: the README is at most 15,000 bytes,
 * every relative link of the README and of docs/*.md reaches a file (and, with {@code #anchor}, a heading there), and
 * every class name the pages write in backticks is a class under src/ or one of the few outside names below.
 */
class DocsLinksTest {

    static final Path README = Path.of("README.md");
    static final Path DOCS = Path.of("docs");
    static final int README_LIMIT = 15_000;

    /**
     * Names of Keycloak, the JDK and libraries the pages talk about, which are not this project's classes: Keycloak's
     * SPI and model ({@code UserCache}, {@code SynchronizationResult}, its JPA entities, the exception 26.5 added, the
     * argon2 provider and the resolver a soak finding names), BouncyCastle's argon2 and bcrypt, JMH's mode, JPA's
     * {@code EntityManager}, Keycloak's {@code UserUpdatedEvent}, and the Kubernetes kind of the Prometheus Operator.
     */
    static final Set<String> OUTSIDE_NAMES = Set.of("UserCache", "SynchronizationResult", "UserEntity",
            "UserAttributeEntity", "CredentialEntity", "UserRoleMappingEntity", "UserGroupMembershipEntity",
            "EntityManager", "UserUpdatedEvent", "StorageUnavailableException", "Argon2PasswordHashProviderFactory",
            "AuthenticationSelectionResolver", "Argon2BytesGenerator", "OpenBSDBCrypt", "SampleTime", "PrometheusRule");

    private static final Pattern ALERT = Pattern.compile("^\\s*- alert: (\\w+)\\s*$");

    @Test
    void theReadmeIsAtMost15000Bytes() {
        assertThat(MarkdownChecks.oversize(README, README_LIMIT)).isNull();
    }

    @Test
    void everyRelativeLinkReachesAFileAndHeading() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path page : pages()) {
            broken.addAll(MarkdownChecks.brokenLinks(page));
        }
        assertThat(broken).isEmpty();
    }

    @Test
    void everyClassNameInBackticksExists() throws IOException {
        Set<String> known = knownNames();
        List<String> unknown = new ArrayList<>();
        for (Path page : pages()) {
            unknown.addAll(MarkdownChecks.unknownClassNames(page, known));
        }
        assertThat(unknown).isEmpty();
    }

    /** The pages checked are what the repository has: the README and every page under docs/. */
    @Test
    void thePagesAreTheReadmeAndDocs() throws IOException {
        assertThat(pages()).contains(README, DOCS.resolve("operations.md"), DOCS.resolve("configuration.md"))
                .hasSizeGreaterThan(10);
        assertThat(knownNames()).contains("UserRepository", "LoginScenarios", "PostgresIT", "AppUsersConfig",
                "AppUsersDatabaseUnavailable");
    }

    // the checker itself, on small pages

    @Test
    void aLinkToAMissingFileIsBroken(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("other.md"), "# Other\n");
        Path page = write(dir, "page.md", "# Page\n\nSee [other](other.md) and [gone](gone.md).\n");

        assertThat(MarkdownChecks.brokenLinks(page)).singleElement().asString()
                .endsWith("page.md:3: gone.md: no such file");
    }

    @Test
    void aLinkToAMissingHeadingIsBroken(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("other.md"), "# Other\n\n## What `kc.sh build` bakes in, and what stays\n");
        Path page = write(dir, "page.md", "# Page\n\n## The provider's meters\n\n"
                + "[ok](other.md#what-kcsh-build-bakes-in-and-what-stays) [here](#the-providers-meters)\n"
                + "[wrong](other.md#what-kc-sh-build) [nowhere](#meters)\n");

        assertThat(MarkdownChecks.brokenLinks(page)).containsExactly(
                page + ":6: other.md#what-kc-sh-build: no such heading", page + ":6: #meters: no such heading");
    }

    @Test
    void linksInCodeAndExternalLinksAreNotChecked(@TempDir Path dir) throws IOException {
        Path page = write(dir, "page.md", "# Page\n\n`[a](missing.md)` [site](https://example.com/x.md) "
                + "[mail](mailto:a@example.com)\n\n```\n[b](missing.md)\n```\n![image](images/missing.png)\n");

        assertThat(MarkdownChecks.brokenLinks(page)).singleElement().asString()
                .endsWith("images/missing.png: no such file");
    }

    @Test
    void anchorsAreGitHubs(@TempDir Path dir) {
        assertThat(MarkdownChecks.anchors("# Title\n## Changes made in the app: the change table\n## Scale\n"
                + "## Scale\n```\n# a shell comment\n```\n### Transactions: which database prepares\n"))
                .containsExactly("title", "changes-made-in-the-app-the-change-table", "scale", "scale-1",
                        "transactions-which-database-prepares");
    }

    @Test
    void aClassNameThatDoesNotExistIsReported(@TempDir Path dir) throws IOException {
        Path page = write(dir, "page.md", "`UserRepository` reads, `PostgresLoginIT` and `*BruteForceIT` check, "
                + "`UserStore` is gone, `*MissingIT` never was;\n`READ_ONLY`, `editMode`, `Retry-After`, `IT` and "
                + "`CryptContext(schemes)` are no class names.\n");

        assertThat(MarkdownChecks.unknownClassNames(page,
                Set.of("UserRepository", "PostgresLoginIT", "PostgresBruteForceIT")))
                .containsExactly(page + ":1: UserStore", page + ":1: *MissingIT");
    }

    @Test
    void anOversizedReadmeFailsTheSizeCheck(@TempDir Path dir) throws IOException {
        Path fits = write(dir, "fits.md", "x".repeat(README_LIMIT));
        Path big = write(dir, "README.md", "x".repeat(README_LIMIT + 1));

        assertThat(MarkdownChecks.oversize(fits, README_LIMIT)).isNull();
        assertThat(MarkdownChecks.oversize(big, README_LIMIT)).isEqualTo(big + " has 15001 bytes, over 15000: move "
                + "detail into docs/");
    }

    static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(README));
        try (Stream<Path> docs = Files.list(DOCS)) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** Class names under src/ (main, test and the benchmarks), the alert rules' names, and the outside names. */
    static Set<String> knownNames() throws IOException {
        Set<String> known = new HashSet<>(OUTSIDE_NAMES);
        try (Stream<Path> files = Files.walk(Path.of("src"))) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".java"))
                    .forEach(n -> known.add(n.substring(0, n.length() - ".java".length())));
        }
        for (String line : Files.readAllLines(Path.of("deploy/prometheus/app-users-alerts.yml"))) {
            Matcher alert = ALERT.matcher(line);
            if (alert.matches()) {
                known.add(alert.group(1));
            }
        }
        return known;
    }

    private static Path write(Path dir, String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
