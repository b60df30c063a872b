#!/usr/bin/env python3
"""Validates `baton check --format sarif` against the OASIS SARIF 2.1.0 JSON schema, on real
testcases: a data race (race.c), a deadlock (lock_order.c) and a correct program (no results).
Beyond the schema it checks what code scanning relies on: one threadFlow per thread with the
thread's accesses where they happened, executionOrder across threads, rule indexes, and
partialFingerprints that stay the same across runs with other seeds.

Usage: check_sarif.py BATON CACHE-DIR TESTCASES-DIR
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from sarif_schema import identity_problems, sarif_validator  # noqa: E402

# race.c counts to a million in each thread: a few seconds of exploration find the race.
CASES = [("seeds/race.c", ["--time-limit", "3"], 1, "data-race"),
         ("deadlock/lock_order.c", [], 1, "deadlock"),
         ("deadlock/lock_order_fixed.c", [], 0, None)]


def check_sarif(baton, directory, name, flags):
    result = subprocess.run([baton, "check", "--format", "sarif", *flags, name], cwd=directory,
                            capture_output=True, text=True, timeout=300)
    if result.returncode not in (0, 1):
        sys.exit(f"FAIL baton check {name} exited {result.returncode}: {result.stderr.strip()}")
    return result.returncode, json.loads(result.stdout)


def fingerprints(log):
    return sorted(r["partialFingerprints"]["batonFingerprint/v1"] for r in log["runs"][0]["results"])


def flow_problems(log, kind):
    """What the schema cannot say about one run of `baton check`."""
    problems = []
    for result, identity in identity_problems(log):
        problems += identity
        if result["ruleId"] != kind:
            problems.append(f"expected a {kind}, got {result['ruleId']}")
        if result["level"] != "error":
            problems.append(f"a {result['ruleId']} is level {result['level']}, not error")
        flows = result.get("codeFlows", [])
        if len(flows) != 1:
            problems.append(f"{len(flows)} codeFlows, not 1")
            continue
        threads = [flow["id"] for flow in flows[0]["threadFlows"]]
        if len(set(threads)) != len(threads) or len(threads) < 2:
            problems.append(f"threadFlows {threads}: want one per thread, at least two threads")
        orders = []
        located = 0
        for flow in flows[0]["threadFlows"]:
            for step in flow["locations"]:
                if "executionOrder" in step:
                    orders.append(step["executionOrder"])
                where = step["location"].get("physicalLocation")
                if where and where["region"]["startLine"] > 0 and \
                        where["artifactLocation"]["uri"].endswith(".c"):
                    located += 1
                if not step["location"]["message"]["text"].startswith(f"thread {flow['id']}"):
                    problems.append(f"step of thread {flow['id']} says "
                                    f"'{step['location']['message']['text']}'")
        if len(set(orders)) != len(orders):
            problems.append(f"executionOrder repeats: {orders}")
        if located < 2:
            problems.append("fewer than two thread-flow steps point at a source line")
    return problems


def main():
    baton, cache, testcases = map(os.path.abspath, sys.argv[1:4])
    validator = sarif_validator(cache)
    failed = 0
    with tempfile.TemporaryDirectory(prefix="baton-sarif.") as directory:
        for case, flags, expected, kind in CASES:
            name = os.path.basename(case)
            shutil.copy(os.path.join(testcases, case), directory)
            status, log = check_sarif(baton, directory, name, flags)
            errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                      for e in validator.iter_errors(log)]
            results = log["runs"][0]["results"]
            if len(results) != expected:
                errors.append(f"{len(results)} results, expected {expected}")
            if status != (1 if expected else 0):
                errors.append(f"exit status {status}")
            errors += flow_problems(log, kind)
            if expected:
                # Another seed explores other schedules: the same bug must match.
                _, again = check_sarif(baton, directory, name, flags + ["--seed", "7"])
                if fingerprints(again) != fingerprints(log):
                    errors.append(f"fingerprints differ across seeds: {fingerprints(log)} "
                                  f"vs {fingerprints(again)}")
            print(("FAIL " if errors else "ok   ") + f"{case} ({len(results)} results)")
            for error in errors[:10]:
                print("    " + error)
            failed += bool(errors)
    print(f"{len(CASES) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
