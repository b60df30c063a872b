"""The OASIS SARIF 2.1.0 JSON schema and a validator for it, for the tests of every
`--format sarif` baton writes (tests/lint/validate_sarif.py, tests/e2e/check_sarif.py).

The schema comes from the npm package @microsoft/jest-sarif, which ships the final 2.1.0
schema (sarif-2.1.0-rtm.5.json) for its own validating matchers: `npm pack` fetches the
package from the npm registry once into CACHE-DIR (the build tree), later runs reuse it.
BATON_SARIF_SCHEMA=/path/to/schema.json uses a local copy instead (offline machines).
Validation uses the Python `jsonschema` package (Debian: python3-jsonschema). Anything
missing is a failure (sys.exit with FAIL), never a skip.
"""
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
    # Two tests may fetch at once (ctest -j): each writes its own file, the rename is atomic.
    temporary = f"{target}.{os.getpid()}.tmp"
    with open(temporary, "wb") as out:
        out.write(data)
    os.replace(temporary, target)
    os.remove(archive)
    return target


def sarif_validator(cache):
    try:
        import jsonschema
    except ImportError:
        sys.exit("FAIL the Python package jsonschema is missing (Debian: python3-jsonschema)")
    with open(schema_path(cache)) as source:
        validator = jsonschema.Draft7Validator(json.load(source))
    # The validator must reject what is wrong, or every "ok" it gives means nothing.
    invalid = {"version": "2.0.0", "runs": [{"tool": {"driver": {"name": "baton"}},
                                             "results": [{"ruleId": 5, "message": "not an object",
                                                          "codeFlows": [{"threadFlows": []}]}]}]}
    if len(list(validator.iter_errors(invalid))) < 3:
        sys.exit("FAIL the SARIF schema accepts an invalid log")
    return validator


def identity_problems(log):
    """What the schema cannot say about any baton SARIF log, per result: its ruleIndex points
    at its rule, and it has baton's fingerprint. Yields (result, problems) pairs."""
    run = log["runs"][0]
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    for result in run["results"]:
        problems = []
        if rules[result["ruleIndex"]] != result["ruleId"]:
            problems.append(f"ruleIndex does not point at {result['ruleId']}")
        if "batonFingerprint/v1" not in result.get("partialFingerprints", {}):
            problems.append(f"no fingerprint on {result['ruleId']}")
        yield result, problems
