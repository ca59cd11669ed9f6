#!/usr/bin/env bash
# What the change-feed triggers cost the app: 10,000 single-row UPDATEs of a user (each its own transaction, one
# client) on the local PostgreSQL (pgbench) and MariaDB (mariadb-slap), without the change script, with it, and with
# it while 50,000 rows older than the retention wait to be pruned (on PostgreSQL every 101st change then deletes 500
# of them; on MariaDB the triggers no longer prune, Keycloak's feed does, so there that run measures the same as the
# second).
# docs/change-feed.md, "Changes made in the app". Needs the servers of the integration tests (127.0.0.1, postgres / root) and the
# database clients; a few seconds per run. BENCH_UPDATES=... changes the count.
set -euo pipefail
cd "$(dirname "$0")/.."
updates=${BENCH_UPDATES:-10000}
db=appusers_bench_triggers
fixtures=src/test/resources/appdb
pg() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres "$@"; }
my() { mariadb -h 127.0.0.1 -u root "$@"; }

pg_fresh() {
  pg -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
  { echo "CREATE SCHEMA app; SET search_path TO app;"; cat $fixtures/schema-postgresql.sql $fixtures/seed-postgresql.sql; } \
    | pg -d $db >/dev/null
}
pg_run() {
  local script; script=$(mktemp)
  echo "UPDATE app.\"user\" SET token_count = COALESCE(token_count, 0) + 1 WHERE email = 'alice@example.com';" >"$script"
  pg -d $db -c "VACUUM ANALYZE" >/dev/null
  pgbench -n -h 127.0.0.1 -U postgres -c 1 -t "$updates" -f "$script" $db 2>/dev/null \
    | awk -v what="$1" '/latency average/ {printf "PostgreSQL  %-42s %s ms per UPDATE\n", what, $4}'
  rm -f "$script"
}
my_fresh() {
  my -e "DROP DATABASE IF EXISTS $db; CREATE DATABASE $db"
  cat $fixtures/schema-mysql.sql $fixtures/seed-mysql.sql | my $db
}
my_run() {
  my $db -e "ANALYZE TABLE user" >/dev/null
  local start end
  start=$(date +%s%N)
  mariadb-slap -h 127.0.0.1 -u root --create-schema=$db --concurrency=1 --iterations=1 \
    --number-of-queries="$updates" \
    --query="UPDATE user SET token_count = COALESCE(token_count, 0) + 1 WHERE email = 'alice@example.com'" >/dev/null
  end=$(date +%s%N)
  awk -v what="$1" -v ns=$((end - start)) -v n="$updates" \
    'BEGIN {printf "MariaDB     %-42s %.3f ms per UPDATE\n", what, ns / n / 1e6}'
}

echo "cores (nproc): $(nproc); load average: $(cut -d' ' -f1-3 /proc/loadavg); $updates UPDATEs each"
pg_fresh
pg_run "without the change script"
PGOPTIONS=-csearch_path=app pg -d $db -f src/main/resources/sql/app-users-changes-postgresql.sql >/dev/null 2>&1
pg_run "with it"
pg -d $db -c "INSERT INTO app.app_users_changes (user_id, changed_at)
  SELECT NULL, now() - interval '2 hours' FROM generate_series(1, 50000)" >/dev/null
pg_run "with it, 50,000 old rows to prune"
pg -d $db -Atc "SELECT 'PostgreSQL  rows left older than the retention: ' || count(*) FROM app.app_users_changes
  WHERE changed_at < now() - interval '1 hour'"
pg -d postgres -c "DROP DATABASE $db" >/dev/null

my_fresh
my_run "without the change script"
my $db <src/main/resources/sql/app-users-changes-mysql.sql
my_run "with it"
my $db -e "INSERT INTO app_users_changes (user_id, changed_at)
  SELECT NULL, CURRENT_TIMESTAMP(3) - INTERVAL 2 HOUR FROM seq_1_to_50000"
my_run "with it, 50,000 old rows to prune"
my $db -N -e "SELECT CONCAT('MariaDB     rows left older than the retention: ', COUNT(*)) FROM app_users_changes
  WHERE changed_at < CURRENT_TIMESTAMP(3) - INTERVAL 1 HOUR"
my -e "DROP DATABASE $db"
