#!/usr/bin/env python3
"""`baton check --format sarif|junit` over several programs (grading mode): one document covers
them all. The SARIF log is validated against the OASIS SARIF 2.1.0 schema and has one run (code
scanning refuses several runs of one tool in one file) with each program's findings at its own
source file; a program that does not compile is an error notification, not a result. The
JUnit document has one test case per program, failing once per finding, or with its verdict
when the program could not be checked; a correct program's case passes. With a baseline, the
SARIF results say which findings are new.

Usage: grade_ci.py BATON CACHE-DIR TESTCASES-DIR
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from sarif_schema import identity_problems, sarif_validator  # noqa: E402

PROGRAMS = {"race.c": "seeds/race.c", "lock_order.c": "deadlock/lock_order.c",
            "lock_order_fixed.c": "deadlock/lock_order_fixed.c"}
BROKEN = "int main(void) { return undeclared; }\n"


def grade(baton, directory, fmt, extra=()):
    command = [baton, "check", "--format", fmt, "--time-limit", "3", "--max-executions", "50", *extra,
               *sorted(PROGRAMS), "broken.c"]
    result = subprocess.run(command, cwd=directory, capture_output=True, text=True, timeout=600)
    if result.returncode != 1:
        sys.exit(f"FAIL {' '.join(command[1:])} exited {result.returncode}: {result.stderr.strip()[:500]}")
    return result.stdout


def sarif_problems(log, validator):
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(log)]
    if len(log["runs"]) != 1:
        return problems + [f"{len(log['runs'])} runs, not 1"]
    run = log["runs"][0]
    for _, identity in identity_problems(log):
        problems += identity
    where = {}
    for result in run["results"]:
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] if result["locations"] else ""
        where.setdefault(os.path.basename(uri), []).append(result["ruleId"])
    if "data-race" not in where.get("race.c", []):
        problems.append(f"no data race at race.c: {where}")
    if "deadlock" not in where.get("lock_order.c", []):
        problems.append(f"no deadlock at lock_order.c: {where}")
    if "lock_order_fixed.c" in where or "broken.c" in where:
        problems.append(f"results for a correct or a broken program: {where}")
    invocation = run["invocations"][0]
    notes = [n["message"]["text"] for n in invocation.get("toolExecutionNotifications", [])]
    if invocation["executionSuccessful"] or not any("broken.c' did not compile" in n for n in notes):
        problems.append(f"broken.c is not a failed compilation: {invocation}")
    if len(notes) != 1:
        problems.append(f"notifications for programs that were checked: {notes}")
    return problems


def junit_problems(document):
    problems = []
    suites = ElementTree.fromstring(document)
    cases = {case.get("name"): case for case in suites.iter("testcase")}
    if sorted(cases) != sorted([*PROGRAMS, "broken.c"]):
        return [f"test cases {sorted(cases)}"]
    failures = {name: [f.get("type") for f in case.findall("failure")] for name, case in cases.items()}
    expected = {"race.c": "data-race", "lock_order.c": "deadlock", "broken.c": "compile-error"}
    for name, kind in expected.items():
        if kind not in failures[name]:
            problems.append(f"{name} does not fail with {kind}: {failures[name]}")
    if failures["lock_order_fixed.c"]:
        problems.append(f"the correct program fails: {failures['lock_order_fixed.c']}")
    total = int(suites.get("failures"))
    if total != sum(len(f) for f in failures.values()):
        problems.append(f"failures={total} does not count the failures {failures}")
    return problems


def main():
    baton, cache, testcases = map(os.path.abspath, sys.argv[1:4])
    validator = sarif_validator(cache)
    with tempfile.TemporaryDirectory(prefix="baton-grade-ci.") as directory:
        for name, case in PROGRAMS.items():
            shutil.copy(os.path.join(testcases, case), os.path.join(directory, name))
        with open(os.path.join(directory, "broken.c"), "w") as broken:
            broken.write(BROKEN)
        checks = [("sarif", lambda out: sarif_problems(json.loads(out), validator)),
                  ("junit", junit_problems)]
        failed = 0
        for fmt, problems_of in checks:
            problems = problems_of(grade(baton, directory, fmt))
            print(("FAIL " if problems else "ok   ") + f"--format {fmt} over {len(PROGRAMS) + 1} programs")
            for problem in problems[:10]:
                print("    " + problem)
            failed += bool(problems)
        # A baseline that accepts race.c's findings: its results are unchanged, the others new.
        subprocess.run([baton, "check", "--time-limit", "3", "--write-baseline", "baseline.json", "race.c"],
                       cwd=directory, capture_output=True, timeout=300)
        run = json.loads(grade(baton, directory, "sarif", ["--baseline", "baseline.json"]))["runs"][0]
        states = {(os.path.basename(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]),
                   r.get("baselineState")) for r in run["results"]}
        problems = [] if states == {("race.c", "unchanged"), ("lock_order.c", "new")} else [f"baselineState {states}"]
        print(("FAIL " if problems else "ok   ") + "--format sarif --baseline: accepted results are unchanged")
        for problem in problems:
            print("    " + problem)
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
