# An optimized Keycloak image with the keycloak-app-users provider: the jar and the build-time options are baked in
# by `kc.sh build`; everything that differs per environment (database URLs, credentials, hostname, TLS) is read from
# the environment when the container starts. docs/containers.md explains every option.
#
#   ./mvnw package -DskipTests
#   docker build -t keycloak-app-users:26.7.5 .
#   docker build --build-arg KC_DB_KIND_APPDB=mariadb -t keycloak-app-users:26.7.5-mariadb .

# The Keycloak release: pom.xml's keycloak.version, the distribution the jar is tested on (DockerfileTest checks it).
ARG KEYCLOAK_VERSION=26.7.5

FROM quay.io/keycloak/keycloak:${KEYCLOAK_VERSION} AS builder

# Build-time options (`kc.sh build --help`), each overridable with --build-arg.
# Keycloak's own database.
ARG KC_DB=postgres
# The app's database: the named datasource "appdb" the jar's persistence unit runs on.
ARG KC_DB_KIND_APPDB=postgres
# One of the two datasources must be XA (README, "Transactions"): by default Keycloak's own, so that the app's
# PostgreSQL needs no max_prepared_transactions; Keycloak's own PostgreSQL then does.
ARG KC_TRANSACTION_XA_ENABLED=true
ARG KC_TRANSACTION_XA_ENABLED_APPDB=false

ENV KC_DB=${KC_DB} \
    KC_DB_KIND_APPDB=${KC_DB_KIND_APPDB} \
    KC_TRANSACTION_XA_ENABLED=${KC_TRANSACTION_XA_ENABLED} \
    KC_TRANSACTION_XA_ENABLED_APPDB=${KC_TRANSACTION_XA_ENABLED_APPDB} \
    KC_HEALTH_ENABLED=true \
    KC_METRICS_ENABLED=true

COPY target/keycloak-app-users-0.1.0-SNAPSHOT.jar /opt/keycloak/providers/keycloak-app-users.jar
RUN /opt/keycloak/bin/kc.sh build

FROM quay.io/keycloak/keycloak:${KEYCLOAK_VERSION}
# Only the built server: the builder's ENV lines stay behind, the build options are persisted under lib/quarkus/.
COPY --from=builder /opt/keycloak/ /opt/keycloak/
ENTRYPOINT ["/opt/keycloak/bin/kc.sh"]
CMD ["start", "--optimized"]
