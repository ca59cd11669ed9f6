package dev.appusers.keycloak.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.appusers.keycloak.jdbc.TransactionWiring.Resource;

/** Which wirings of the two datasources let WRITABLE writes commit, and what Save tells the admin to set otherwise. */
class TransactionWiringTest {

    private static final Resource XA_PREPARES = new Resource(true, true);
    private static final Resource XA_CANNOT_PREPARE = new Resource(true, false);
    private static final Resource ONE_PHASE = new Resource(false, false);

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("app XA on a server that cannot prepare", XA_CANNOT_PREPARE, Optional.of(ONE_PHASE),
                        new String[] {"appdb is XA", "app's PostgreSQL server has max_prepared_transactions = 0",
                            "transaction-xa-enabled-appdb=false", "transaction-xa-enabled=true"}),
                Arguments.of("both XA, the app's cannot prepare", XA_CANNOT_PREPARE, Optional.of(XA_PREPARES),
                        new String[] {"app's PostgreSQL server has max_prepared_transactions = 0"}),
                Arguments.of("both XA, Keycloak's cannot prepare", XA_PREPARES, Optional.of(XA_CANNOT_PREPARE),
                        new String[] {"both the datasource appdb and Keycloak's own are XA",
                            "Keycloak's own PostgreSQL server has max_prepared_transactions = 0",
                            "transaction-xa-enabled=false", "max_prepared_transactions to at least"}),
                Arguments.of("app one-phase, Keycloak's XA cannot prepare", ONE_PHASE, Optional.of(XA_CANNOT_PREPARE),
                        new String[] {"appdb is not XA (transaction-xa-enabled-appdb=false)",
                            "max_prepared_transactions > 0 on Keycloak's PostgreSQL server"}),
                Arguments.of("neither XA", ONE_PHASE, Optional.of(ONE_PHASE),
                        new String[] {"neither the datasource appdb nor Keycloak's own is XA",
                            "transaction-xa-enabled-appdb=true", "transaction-xa-enabled=true"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void aWiringInWhichTheFirstWriteWouldFailIsRefusedNamingTheOptionsToSet(String wiring, Resource app,
                                                                           Optional<Resource> own, String[] named) {
        Optional<String> problem = TransactionWiring.problem("appdb", app, own);

        assertThat(problem).as(wiring).isPresent();
        assertThat(problem.get()).contains(named).contains("READ_ONLY mode needs none of this");
    }

    static Stream<Arguments> committing() {
        return Stream.of(
                Arguments.of("app XA prepares, Keycloak's one-phase (Keycloak's defaults)", XA_PREPARES,
                        Optional.of(ONE_PHASE)),
                Arguments.of("both XA, both prepare", XA_PREPARES, Optional.of(XA_PREPARES)),
                Arguments.of("app one-phase, Keycloak's XA prepares (the documented PostgreSQL wiring)", ONE_PHASE,
                        Optional.of(XA_PREPARES)),
                Arguments.of("Keycloak's own unknown, app XA prepares", XA_PREPARES, Optional.empty()),
                Arguments.of("Keycloak's own unknown, app one-phase", ONE_PHASE, Optional.empty()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("committing")
    void aWiringInWhichWritesCommitPasses(String wiring, Resource app, Optional<Resource> own) {
        assertThat(TransactionWiring.problem("appdb", app, own)).as(wiring).isEmpty();
    }

    @Test
    void theDatasourceNamedIsTheOneInTheMessage() {
        assertThat(TransactionWiring.problem("shopdb", ONE_PHASE, Optional.of(ONE_PHASE)).orElseThrow())
                .contains("transaction-xa-enabled-shopdb=true").doesNotContain("appdb");
    }
}
