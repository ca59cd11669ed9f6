#!/usr/bin/env bash
# Hash verification benchmark: JMH (ours, BouncyCastle, password4j, argon2-jvm) and the C reference the Python
# application uses (argon2-cffi, pyca/bcrypt), then one table (also in target/bench/report.md).
# See docs/performance-hashes.md. About 6 minutes on 2 cores. Extra arguments go to Maven, e.g.
#   bench/hash-bench.sh -Dbench.jmh.args="-wi 1 -i 2 argon2Keycloak"   (fewer or other JMH benchmarks)
set -euo pipefail
cd "$(dirname "$0")/.."

# The C reference: Debian's python3 with python3-argon2 and python3-bcrypt (not from PyPI).
python=/usr/bin/python3
if ! "$python" -c 'import argon2, bcrypt' 2>/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing python3-argon2 python3-bcrypt"
    apt-get install -y -q python3-argon2 python3-bcrypt >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q python3-argon2 python3-bcrypt >/dev/null; }
  else
    echo "needs python3-argon2 and python3-bcrypt: apt-get install -y python3-argon2 python3-bcrypt" >&2
    exit 1
  fi
fi

echo "cores (nproc): $(nproc); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
./mvnw -B -q -Pbench package -Dbench.python="$python" "$@"
