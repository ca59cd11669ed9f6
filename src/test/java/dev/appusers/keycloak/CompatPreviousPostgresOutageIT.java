package dev.appusers.keycloak;

import dev.appusers.keycloak.it.OnKeycloak;

@OnKeycloak(line = OnKeycloak.Line.PREVIOUS)
class CompatPreviousPostgresOutageIT extends OutageScenarios {
}
