#!/usr/bin/env bash
# Soak benchmark (docs/soak.md): the real Keycloak 26.7.5 distribution with the provider on a PostgreSQL app database
# (127.0.0.1:5432, user postgres), a paced mixed load (password grants of 50 app users, refresh-token grants, admin
# user searches) for -Dsoak.minutes (default 10) with one restart of this machine's PostgreSQL in the middle.
# Prints a Markdown report (also target/bench-server/soak.md, per second in target/bench-server/soak-seconds.csv)
# and exits non-zero when a goal is missed. Not part of ./mvnw verify. Options go to Maven as system properties, e.g.
#   bench/soak.sh -Dsoak.minutes=2 -Dsoak.rate=16 -Dsoak.threads=4 -Dsoak.outage=proxy
set -euo pipefail
cd "$(dirname "$0")/.."

if ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  echo "PostgreSQL is not listening on 127.0.0.1:5432 (.ci/run starts it)" >&2
  exit 1
fi
if [[ " $* " != *" -Dsoak.outage=proxy "* ]] && ! command -v pg_ctlcluster >/dev/null; then
  echo "the restart needs pg_ctlcluster (Debian's postgresql-common) and the rights to run it; or -Dsoak.outage=proxy" >&2
  exit 1
fi

echo "cores (nproc): $(nproc); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
./mvnw -B -q -Pbench-server package -Dbench.only=soak "$@"
