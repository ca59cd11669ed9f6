package dev.appusers.keycloak;


class PostgresOutageIT extends OutageScenarios {
}
