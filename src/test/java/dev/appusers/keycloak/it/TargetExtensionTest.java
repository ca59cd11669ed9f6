package dev.appusers.keycloak.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** Which target a scenario class runs on, as a suite or {@code -Dit.target} names it (no Keycloak involved). */
class TargetExtensionTest {

    /** What the probe saw while it ran. */
    static final List<String> SEEN = new ArrayList<>();

    @On.Mariadb
    @On.MariadbMaxLifespan
    static class Probe {
        @Test
        void recordsItsTarget() {
            SEEN.add(Target.current() + " " + Target.current().db() + " " + ItRealm.config());
        }
    }

    @On.Postgres
    static class SingleTargetProbe {
        @Test
        void recordsItsTarget() {
            SEEN.add(Target.current().name());
        }
    }

    @Test
    void theNamedTargetGivesTheDatabaseAndTheCachePolicy() {
        assertThat(run(Probe.class, "mariadb-max-lifespan")).isEmpty();
        assertThat(SEEN).containsExactly("MARIADB_MAX_LIFESPAN MARIADB {cachePolicy=MAX_LIFESPAN, maxLifespan=60000}");
        assertThat(ItRealm.config()).as("outside a scenario").containsEntry("cachePolicy", "NO_CACHE");
    }

    @Test
    void aTargetTheClassDoesNotNameIsRefused() {
        assertThat(run(Probe.class, "postgres")).singleElement().asString()
                .contains("Probe does not run on POSTGRES; its targets: [MARIADB, MARIADB_MAX_LIFESPAN]");
        assertThat(SEEN).isEmpty();
    }

    @Test
    void aClassOfSeveralTargetsRunAloneAsksForOne() {
        assertThat(run(Probe.class, null)).singleElement().asString()
                .contains("name one with -Dit.target=<target>");
        assertThat(SEEN).isEmpty();
    }

    @Test
    void aClassOfOneTargetRunsOnItAlone() {
        assertThat(run(SingleTargetProbe.class, null)).isEmpty();
        assertThat(SEEN).containsExactly("POSTGRES");
    }

    /** Runs {@code probe} with {@code it.target} set to {@code target} (or not at all); returns the failures. */
    private static List<String> run(Class<?> probe, String target) {
        SEEN.clear();
        List<String> failures = new ArrayList<>();
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClass(probe)).configurationParameters(target == null ? Map.of()
                        : Map.of(Target.PROPERTY, target));
        LauncherFactory.create().execute(request.build(), new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                Optional<Throwable> thrown = result.getThrowable();
                thrown.ifPresent(t -> failures.add(t.getMessage()));
            }
        });
        return failures;
    }
}
