#!/usr/bin/env python3
"""Prints one table from the hash benchmark's results and writes it to <dir>/report.md.

Usage: report.py <dir>   (reads jmh.json, c-reference.json and, if present, memory.json and interleaved.json from
<dir>)

ms/op is the median of the sampled verifications (JMH SampleTime on the Java side), "best" the fastest one;
ops/s = 1000 / median; "vs C" = (C reference median) / (this median), i.e. throughput relative to the C
implementation the Python application uses (argon2-cffi or pyca/bcrypt), 1.00 = as fast; "vs C best" the same from
the fastest samples, which other load on the machine disturbs least.
"""

import json
import os
import platform
import sys

CASES = {
    "argon2Litestar": ("argon2-litestar", "argon2id m=102400,t=2,p=8 (Litestar-Users / argon2-cffi default)"),
    "argon2Keycloak": ("argon2-keycloak", "argon2id m=7168,t=5,p=1, 32-byte hash (Keycloak 26 default)"),
    "bcrypt12": ("bcrypt-12", "bcrypt $2b$ cost 12 (passlib default)"),
}
IMPLEMENTATIONS = {
    "ours": "ours (PasswordSchemes.verify)",
    "oursOneThread": "ours, lanes on one thread",
    "bouncyCastle": "BouncyCastle 1.84",
    "password4j": "password4j",
    "argon2Jvm": "argon2-jvm (JNA, bundled libargon2)",
}
GOAL = 0.8


def load(path):
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def alloc_mib(entry):
    for name, metric in entry.get("secondaryMetrics", {}).items():
        if name.endswith("gc.alloc.rate.norm"):
            return metric["score"] / (1024.0 * 1024.0)
    return None


def main(directory):
    jmh = load(os.path.join(directory, "jmh.json")) or []
    cref = load(os.path.join(directory, "c-reference.json")) or {"results": []}
    memory = load(os.path.join(directory, "memory.json"))
    interleaved = load(os.path.join(directory, "interleaved.json"))
    c_by_case = {r["case"]: r for r in cref["results"]}
    rows = {}
    for entry in jmh:
        method = entry["benchmark"].rsplit(".", 1)[1]
        case_key, impl = method.split("_", 1)
        metric = entry["primaryMetric"]
        percentiles = metric.get("scorePercentiles", {})
        rows.setdefault(case_key, []).append({
            "impl": IMPLEMENTATIONS.get(impl, impl),
            "median": percentiles.get("50.0", metric["score"]),
            "best": percentiles.get("0.0", metric["score"]),
            "alloc": alloc_mib(entry),
        })

    lines = []
    load1, load5, _ = os.getloadavg()
    lines.append("Hash verification, one at a time: %d cores (nproc), %s, Java %s; load average now %.1f (1 min), "
                 "%.1f (5 min)" % (os.cpu_count(), platform.machine(), jmh[0]["jdkVersion"] if jmh else "?",
                                   load1, load5))
    lines.append("")
    lines.append("| case | implementation | ms/op (median) | ms/op (best) | ops/s | vs C | vs C best | alloc MiB/op |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|")
    verdicts = []
    for case_key, (case_name, label) in CASES.items():
        c = c_by_case.get(case_name)
        entries = list(rows.get(case_key, []))
        if c:
            entries.append({"impl": "C reference: %s %s" % (c["implementation"], c["version"]),
                            "median": c["median_ms"], "best": c["min_ms"], "alloc": None, "c": True})
        for e in entries:
            ratio = "%.2f" % (c["median_ms"] / e["median"]) if c else "n/a"
            ratio_best = "%.2f" % (c["min_ms"] / e["best"]) if c else "n/a"
            alloc = "" if e.get("alloc") is None else "%.1f" % e["alloc"] if e["alloc"] >= 0.1 else "< 0.1"
            lines.append("| %s | %s | %.1f | %.1f | %.2f | %s | %s | %s |"
                         % (label, e["impl"], e["median"], e["best"], 1000.0 / e["median"], ratio, ratio_best, alloc))
        ours = next((e for e in entries if e["impl"].startswith("ours (")), None)
        if ours and c:
            ratio = c["median_ms"] / ours["median"]
            ratio_best = c["min_ms"] / ours["best"]
            verdicts.append("%s: ours / C reference = %.2f on medians, %.2f on best samples (goal >= %.1f: %s)"
                            % (case_name, ratio, ratio_best, GOAL,
                               "met" if min(ratio, ratio_best) >= GOAL else "NOT met on both"
                               if max(ratio, ratio_best) < GOAL else "met on one of the two"))
    lines.append("")
    lines.extend(verdicts)
    if cref["results"]:
        lines.append("Load average (1 min) while the C reference ran: %s"
                     % ", ".join("%s %.1f-%.1f" % (r["case"], r["load_before"], r["load_after"])
                                 for r in cref["results"]))
    if interleaved:
        lines.append("")
        lines.append("Ours and the C reference (%s, argon2_verify) alternately in one process:" % interleaved["library"])
        for r in interleaved["results"]:
            lines.append("  %-16s %2d rounds: ours %.1f ms median, %.1f best; C %.1f ms median, %.1f best; "
                         "ours / C = %.2f (medians), %.2f (best)"
                         % (r["case"], r["rounds"], r["oursMedianMs"], r["oursBestMs"], r["cMedianMs"],
                            r["cBestMs"], r["cMedianMs"] / r["oursMedianMs"], r["cBestMs"] / r["oursBestMs"]))
    if memory:
        lines.append("")
        lines.append("Memory, %s, JVM heap -Xmx%d MiB:" % (memory["case"], memory["maxHeapMiB"]))
        for r in memory["results"]:
            lines.append("  %-13s allocated %.1f MiB per verification, peak heap growth %.1f MiB; at most %d "
                         "computations started together complete%s"
                         % (r["implementation"], r["allocatedMiB"], r["peakGrowthMiB"], r["concurrentFit"],
                            " (engine without the scheme's bound)" if r["implementation"] == "ours" else ""))
        bounded = memory.get("bounded")
        if bounded:
            lines.append("  ours through PasswordSchemes.verify, %d started together (at most %d computing at once): "
                         "all completed, peak heap in use %.1f MiB above the start (garbage not yet collected included)"
                         % (bounded["started"], bounded["atOnce"], bounded["peakGrowthMiB"]))
    text = "\n".join(lines) + "\n"
    print(text)
    with open(os.path.join(directory, "report.md"), "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main(sys.argv[1])
