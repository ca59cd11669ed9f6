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
# The app's database: the named datasource "appdb" a component uses unless it names another.
ARG KC_DB_KIND_APPDB=postgres
# Keycloak's own defaults, all READ_ONLY needs (the provider reads outside Keycloak's transaction). WRITABLE writes
# join Keycloak's transaction and one side must prepare (docs/configuration.md, "Transactions: which database prepares"): for a PostgreSQL app
# database with max_prepared_transactions = 0, build with KC_TRANSACTION_XA_ENABLED=true and
# KC_TRANSACTION_XA_ENABLED_APPDB=false (Keycloak's own database then prepares).
ARG KC_TRANSACTION_XA_ENABLED=false
ARG KC_TRANSACTION_XA_ENABLED_APPDB=true

# Health and metrics for the operator's probes and your monitoring. KC_DB_HEALTH_EXCLUDE_APPDB leaves the app
# database out of Keycloak's readiness check (a build option): without it an app database outage turns /health/ready
# DOWN and a readiness probe takes every Keycloak pod out of service, local users included (README, "Install"). The
# app database's state shows in the provider's log and the appdb pool meters instead. Keycloak 26.7 has the option;
# building 26.4 or 26.5 instead needs the line quarkus.datasource."appdb".health-exclude=true in conf/quarkus.properties.
ENV KC_DB=${KC_DB} \
    KC_DB_KIND_APPDB=${KC_DB_KIND_APPDB} \
    KC_TRANSACTION_XA_ENABLED=${KC_TRANSACTION_XA_ENABLED} \
    KC_TRANSACTION_XA_ENABLED_APPDB=${KC_TRANSACTION_XA_ENABLED_APPDB} \
    KC_HEALTH_ENABLED=true \
    KC_METRICS_ENABLED=true \
    KC_DB_HEALTH_EXCLUDE_APPDB=true

COPY target/keycloak-app-users-0.1.0-SNAPSHOT.jar /opt/keycloak/providers/keycloak-app-users.jar
RUN /opt/keycloak/bin/kc.sh build

FROM quay.io/keycloak/keycloak:${KEYCLOAK_VERSION}
# Only the built server: the builder's ENV lines stay behind, the build options are persisted under lib/quarkus/.
COPY --from=builder /opt/keycloak/ /opt/keycloak/
ENTRYPOINT ["/opt/keycloak/bin/kc.sh"]
CMD ["start", "--optimized"]
