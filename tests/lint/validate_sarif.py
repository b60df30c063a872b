#!/usr/bin/env python3
"""Validates `baton lint --format sarif` against the OASIS SARIF 2.1.0 JSON schema.

Usage: validate_sarif.py BATON CACHE-DIR TESTCASES-DIR

The schema comes from the npm package @microsoft/jest-sarif, which ships the final 2.1.0
schema (sarif-2.1.0-rtm.5.json) for its own validating matchers: `npm pack` fetches the
package from the npm registry once into CACHE-DIR (the build tree), later runs reuse it.
BATON_SARIF_SCHEMA=/path/to/schema.json uses a local copy instead (offline machines).
Validation uses the Python `jsonschema` package (Debian: python3-jsonschema). A missing
schema or validator is a failure, not a skip: this test must not pass by not running.
"""
import glob
import json
import os
import subprocess
import sys
import tarfile

PACKAGE = "@microsoft/jest-sarif@1.0.0-beta.0"
MEMBER = "package/lib/schemas/sarif-2.1.0-rtm.5.json"


def schema_path(cache):
    if os.environ.get("BATON_SARIF_SCHEMA"):
        return os.environ["BATON_SARIF_SCHEMA"]
    target = os.path.join(cache, "sarif-2.1.0-rtm.5.json")
    if os.path.exists(target):
        return target
    os.makedirs(cache, exist_ok=True)
    packed = subprocess.run(["npm", "pack", PACKAGE, "--silent", "--pack-destination", cache],
                            capture_output=True, text=True, timeout=300)
    if packed.returncode != 0:
        sys.exit(f"FAIL cannot fetch the SARIF schema with 'npm pack {PACKAGE}': "
                 f"{packed.stderr.strip()[:500]}")
    archive = os.path.join(cache, packed.stdout.strip().splitlines()[-1])
    with tarfile.open(archive) as tar:
        data = tar.extractfile(MEMBER).read()
    with open(target + ".tmp", "wb") as out:
        out.write(data)
    os.replace(target + ".tmp", target)
    os.remove(archive)
    return target


def sarif_of(baton, files, flags=()):
    result = subprocess.run([baton, "lint", "--format=sarif", "--quiet", *files, "--", *flags],
                            capture_output=True, text=True)
    if result.returncode not in (0, 1, 2):
        sys.exit(f"FAIL baton lint crashed on {files}: {result.stderr}")
    return json.loads(result.stdout)


def semantic_problems(log):
    """What the schema cannot say: ids agree, notes and fingerprints are there."""
    problems = []
    run = log["runs"][0]
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    for result in run["results"]:
        if rules[result["ruleIndex"]] != result["ruleId"]:
            problems.append(f"ruleIndex does not point at {result['ruleId']}")
        if "batonFingerprint/v1" not in result.get("partialFingerprints", {}):
            problems.append(f"no fingerprint on {result['ruleId']}")
        if result["ruleId"] in ("baton-unprotected-shared", "baton-lock-order") and \
                not result.get("relatedLocations"):
            problems.append(f"{result['ruleId']} without relatedLocations")
    return problems


def main():
    baton, cache, testcases = sys.argv[1:4]
    try:
        import jsonschema
    except ImportError:
        sys.exit("FAIL the Python package jsonschema is missing (Debian: python3-jsonschema)")
    with open(schema_path(cache)) as source:
        schema = json.load(source)
    validator = jsonschema.Draft7Validator(schema)
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
    # The validator must reject what is wrong, or every "ok" above means nothing.
    invalid = json.loads(json.dumps(runs[0][1]))
    invalid["version"] = "2.0.0"
    invalid["runs"][0]["results"].append({"ruleId": 5, "message": "not an object"})
    if len(list(validator.iter_errors(invalid))) < 2:
        print("FAIL the schema accepts an invalid log")
        failed += 1
    if sum(len(log["runs"][0]["results"]) for _, log in runs) == 0:
        print("FAIL no results at all: nothing was validated")
        failed += 1
    print(f"{len(runs) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
