package dev.appusers.keycloak.scenarios;

import org.junit.platform.suite.api.AfterSuite;

import dev.appusers.keycloak.it.KeycloakCluster;
import dev.appusers.keycloak.it.KeycloakServer;

/**
 * A suite that runs the scenarios of one Keycloak server: the server starts at the first scenario that asks for it and
 * stops when the suite ends, so the next suite's server never starts while this one runs, whatever the suites' order.
 */
abstract class ServerSuite {

    @AfterSuite
    static void stopServers() {
        KeycloakServer.stopShared();
        KeycloakCluster.closeShared();
    }
}
