package dev.appusers.keycloak;

/** {@link AlertRulesScenarios} on the suite's PostgreSQL server (metrics on), the one the outage tests use. */
class PostgresAlertRulesIT extends AlertRulesScenarios {
}
