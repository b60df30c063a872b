#!/usr/bin/env python3
"""Runs the `baton check` commands of docs/ci.md, so the CI examples cannot rot.

Usage: ci_doc.py SOURCE-DIR BIN-DIR SCHEMA-CACHE-DIR

Every line of a ```sh or ```yaml block of docs/ci.md that runs `baton check` (after YAML's
`- ` or `run: `) is run with sh, in order, in a fresh directory holding a racy counter at
src/counter.c, with BIN-DIR first on PATH. The first writes the baseline, so every later
command, which names it, must exit 0 (its findings are accepted). Then the files the
commands wrote must be what the CI tools read: SARIF valid against the 2.1.0 schema with
thread flows, JUnit XML that Python's parser reads, with no failure (all accepted).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as tree

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from sarif_schema import sarif_validator  # noqa: E402


def doc_commands(path):
    commands, fence = [], None
    for line in open(path):
        stripped = line.strip()
        if stripped.startswith("```"):
            fence = None if fence else stripped[3:]
            continue
        if fence not in ("sh", "yaml"):
            continue
        command = re.sub(r"^(- |run: )", "", stripped)
        if command.startswith("baton check"):
            commands.append(command)
    return commands


def main():
    source, bin_dir, cache = map(os.path.abspath, sys.argv[1:4])
    commands = doc_commands(os.path.join(source, "docs", "ci.md"))
    problems = []
    if len(commands) < 4:
        problems.append(f"only {len(commands)} baton check commands found in docs/ci.md")
    env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ["PATH"])
    with tempfile.TemporaryDirectory(prefix="baton-ci-doc.") as work:
        os.mkdir(os.path.join(work, "src"))
        shutil.copy(os.path.join(source, "tests/e2e/projects/ctest/counter.c"), os.path.join(work, "src"))
        for index, command in enumerate(commands):
            run = subprocess.run(["sh", "-c", command], cwd=work, env=env, capture_output=True,
                                 text=True, timeout=300)
            expected = (1,) if index == 0 else (0,)  # the race, then accepted by the baseline
            ok = run.returncode in expected
            print(("ok   " if ok else "FAIL ") + f"{command}  (exit {run.returncode})")
            if not ok:
                problems.append(f"'{command}' exited {run.returncode}: {run.stderr.strip()[:300]}")
        sarif_path = os.path.join(work, "baton.sarif")
        if os.path.exists(sarif_path):
            log = json.load(open(sarif_path))
            errors = list(sarif_validator(cache).iter_errors(log))
            problems += [f"baton.sarif: {e.message}" for e in errors[:5]]
            results = log["runs"][0]["results"]
            if not results or not all("codeFlows" in r and r.get("baselineState") == "unchanged"
                                      for r in results):
                problems.append("baton.sarif: expected accepted results with codeFlows")
        else:
            problems.append("no command wrote baton.sarif")
        junit_path = os.path.join(work, "baton-junit.xml")
        if os.path.exists(junit_path):
            root = tree.parse(junit_path).getroot()
            cases = root.findall("testsuite/testcase")
            if len(cases) != 1 or cases[0].findall("failure") or "data-race" not in cases[0].findtext("system-out"):
                problems.append("baton-junit.xml: expected one passing test case reporting the accepted race")
        else:
            problems.append("no command wrote baton-junit.xml")
    for problem in problems:
        print("FAIL " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
