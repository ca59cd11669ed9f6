package dev.appusers.keycloak;

import dev.appusers.keycloak.it.OnKeycloak;

@OnKeycloak(line = OnKeycloak.Line.OLDEST)
class CompatOldestPostgresOutageIT extends OutageScenarios {
}
