package dev.appusers.keycloak.jdbc;

/** A column as JDBC metadata describes it. */
record DbColumn(String name, int jdbcType, String typeName, int size, boolean nullable, boolean hasDefault) {
}
