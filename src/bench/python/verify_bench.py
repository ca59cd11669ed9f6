#!/usr/bin/env python3
"""Times the C reference implementations the Python application uses to verify its hashes.

argon2-cffi (C libargon2, PasswordHasher().verify: lanes on p threads) and pyca/bcrypt (C, bcrypt.checkpw), on the
samples of bench-samples.tsv, one verification at a time, like HashVerifyBenchmark on the Java side.

Usage: verify_bench.py <bench-samples.tsv> <output.json> [seconds per case]
       verify_bench.py --check <output directory>   (before the Java benchmark: the modules import, the directory
                                                     exists)

Writes JSON: per case the implementation, library version, and the sampled times (ms) with min, median and mean.
Never prints a password or a hash.
"""

import json
import os
import statistics
import sys
import time


def load_samples(path):
    samples = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            name, password, encoded = line.split("\t")[:3]
            samples.append((name, password, encoded))
    return samples


def verifier(encoded):
    """(implementation label, version, function(password) -> bool) for a hash."""
    if encoded.startswith("$argon2"):
        import argon2
        hasher = argon2.PasswordHasher()

        def verify(password):
            try:
                return hasher.verify(encoded, password)
            except argon2.exceptions.VerifyMismatchError:
                return False

        return "argon2-cffi", argon2.__version__, verify
    import bcrypt
    encoded_bytes = encoded.encode("ascii")
    return "pyca/bcrypt", bcrypt.__version__, lambda password: bcrypt.checkpw(password.encode("utf-8"),
                                                                               encoded_bytes)


def time_case(verify, password, seconds, min_samples=5, warmup=1):
    for _ in range(warmup):
        if not verify(password):
            raise SystemExit("the C reference does not verify a sample")
    times = []
    deadline = time.perf_counter() + seconds
    while len(times) < min_samples or time.perf_counter() < deadline:
        start = time.perf_counter()
        verify(password)
        times.append((time.perf_counter() - start) * 1000.0)
    return times


def check(directory):
    try:
        import argon2
        import bcrypt
    except ImportError as e:
        raise SystemExit("%s: %s is missing; on Debian: apt-get install -y python3-argon2 python3-bcrypt, then run "
                         "with -Dbench.python=/usr/bin/python3" % (sys.executable, e.name))
    os.makedirs(directory, exist_ok=True)
    print("C reference: argon2-cffi %s, pyca/bcrypt %s (%s)" % (argon2.__version__, bcrypt.__version__,
                                                               sys.executable))


def main(argv):
    if argv[1] == "--check":
        check(argv[2])
        return
    samples_path, out_path = argv[1], argv[2]
    seconds = float(argv[3]) if len(argv) > 3 else 8.0
    results = []
    for name, password, encoded in load_samples(samples_path):
        label, version, verify = verifier(encoded)
        load_before = os.getloadavg()[0]
        times = time_case(verify, password, seconds)
        results.append({
            "case": name,
            "implementation": label,
            "version": version,
            "samples": len(times),
            "min_ms": min(times),
            "median_ms": statistics.median(times),
            "mean_ms": statistics.fmean(times),
            "load_before": load_before,
            "load_after": os.getloadavg()[0],
        })
        print("C reference %-16s %-12s %3d samples, median %8.2f ms/op" % (name, label, len(times),
                                                                         statistics.median(times)))
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump({"cpus": os.cpu_count(), "results": results}, f, indent=2)


if __name__ == "__main__":
    main(sys.argv)
