"""Validates `baton lint --format sarif` against the OASIS SARIF 2.1.0 JSON schema.

Usage: validate_sarif.py BATON CACHE-DIR TESTCASES-DIR

The schema and the validator come from tests/sarif_schema.py (shared with the check of
`baton check --format sarif`). A missing schema or validator is a failure, not a skip:
this test must not pass by not running.
"""
import glob
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from sarif_schema import identity_problems, sarif_validator  # noqa: E402


def sarif_of(baton, files, flags=()):
    result = subprocess.run([baton, "lint", "--format=sarif", "--quiet", *files, "--", *flags],
                            capture_output=True, text=True)
    if result.returncode not in (0, 1, 2):
        sys.exit(f"FAIL baton lint crashed on {files}: {result.stderr}")
    return json.loads(result.stdout)


def semantic_problems(log):
    """What the schema cannot say: ids agree, notes and fingerprints are there."""
    problems = []
    for result, identity in identity_problems(log):
        problems += identity
        if result["ruleId"] in ("baton-unprotected-shared", "baton-lock-order") and \
                not result.get("relatedLocations"):
            problems.append(f"{result['ruleId']} without relatedLocations")
    return problems


def main():
    baton, cache, testcases = sys.argv[1:4]
    validator = sarif_validator(cache)
    runs = [(path, sarif_of(baton, [path], ["-std=c++20"] if path.endswith(".cpp") else []))
            for path in sorted(glob.glob(os.path.join(testcases, "lint", "*.c*")))
            if ".part." not in path]
    broken = os.path.join(os.path.dirname(__file__), "data", "broken.c")
    runs.append(("broken.c + race.c", sarif_of(baton, [broken, broken.replace("broken", "race")],
                                               ["-DRACE"])))
    failed = 0
    for name, log in runs:
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                  for e in validator.iter_errors(log)] + semantic_problems(log)
        results = len(log["runs"][0]["results"])
        print(("FAIL " if errors else "ok   ") + f"{name} ({results} results)")
        for error in errors[:10]:
            print("    " + error)
        failed += bool(errors)
    if sum(len(log["runs"][0]["results"]) for _, log in runs) == 0:
        print("FAIL no results at all: nothing was validated")
        failed += 1
    print(f"{len(runs) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
