#!/usr/bin/env bash
# Server benchmark: the real Keycloak 26.7.5 distribution with the provider on a PostgreSQL app database
# (127.0.0.1:5432, user postgres), measured over HTTP. Prints Markdown tables (also target/bench-server/report.md,
# plans in target/bench-server/plans.md). About 12 minutes on 2 cores; bounded by round lengths and request counts.
# Options go to Maven as system properties, e.g.
#   bench/server-bench.sh -Dbench.round.seconds=10 -Dbench.scale.users=200000 -Dbench.heap.logins=2000
set -euo pipefail
cd "$(dirname "$0")/.."

# The app side's hashes are made by Debian's python3 with the real libraries (not from PyPI).
if ! /usr/bin/python3 -c 'import argon2, bcrypt, passlib' 2>/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y -q python3-argon2 python3-bcrypt python3-passlib >/dev/null \
      || { apt-get update -q >/dev/null && apt-get install -y -q python3-argon2 python3-bcrypt python3-passlib >/dev/null; }
  else
    echo "needs python3-argon2 python3-bcrypt python3-passlib: apt-get install -y python3-argon2 python3-bcrypt python3-passlib" >&2
    exit 1
  fi
fi
if ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  echo "PostgreSQL is not listening on 127.0.0.1:5432 (.ci/run starts it)" >&2
  exit 1
fi

echo "cores (nproc): $(nproc); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
./mvnw -B -q -Pbench-server package "$@"
