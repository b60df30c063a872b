#!/usr/bin/env python3
"""Runs the real `baton lint` over testcases and compares its findings with the expectations
written in the files themselves (see docs/lint.md, "Testcases"):

    code();  // lint: baton-busy-wait                 a finding of that check on this line
    code();  // lint: baton-a, baton-b{'mails'}       two findings; the second's message
                                                       must contain 'mails'
    // lint^: baton-lock-leak                          a finding on the line above
    // lint: none                                      (anywhere) this file must stay silent
    // lint-with: other.c                              analyze other.c in the same run
    // lint-args: --checks=-*,baton-busy-wait -- -DX   arguments for baton lint (flags after --)

Every finding must be expected and every expectation met, in every file of the run; a file
with no expectation at all is an error, so a file cannot pass by accident. Exit status 0 when
all files pass, 1 otherwise.
"""
import json
import os
import re
import shlex
import subprocess
import sys

EXPECT = re.compile(r"//\s*lint(\^?):\s*(.*)$")
WITH = re.compile(r"//\s*lint-with:\s*(.*)$")
ARGS = re.compile(r"//\s*lint-args:\s*(.*)$")
ITEM = re.compile(r"\s*([\w-]+)(?:\{([^}]*)\})?\s*(?:,|$)")


def parse_items(text, where):
    items, position = [], 0
    text = text.strip()
    while position < len(text):
        match = ITEM.match(text, position)
        if not match or match.end() == position:
            raise ValueError(f"{where}: cannot read lint expectation '{text}'")
        items.append((match.group(1), match.group(2)))
        position = match.end()
    return items


def read_expectations(path):
    """Returns (expected findings, silent?, companion files, extra args)."""
    expected, silent, companions, args = [], False, [], []
    with open(path, encoding="utf-8") as source:
        for number, line in enumerate(source, start=1):
            if (match := WITH.search(line)):
                companions += [os.path.join(os.path.dirname(path), name)
                               for name in match.group(1).split()]
                continue
            if (match := ARGS.search(line)):
                args += shlex.split(match.group(1))
                continue
            match = EXPECT.search(line)
            if not match:
                continue
            if match.group(2).strip() == "none":
                silent = True
                continue
            target = number - 1 if match.group(1) == "^" else number
            for check, fragment in parse_items(match.group(2), f"{path}:{number}"):
                expected.append({"file": path, "line": target, "check": check,
                                 "fragment": fragment})
    return expected, silent, companions, args


def default_flags(path):
    return ["-std=c++20"] if path.endswith((".cpp", ".cc", ".cxx")) else ["-std=c17"]


def run_case(baton, path):
    expected, silent, companions, args = read_expectations(path)
    for companion in companions:
        more, _, _, _ = read_expectations(companion)
        expected += more
    if not expected and not silent:
        return [f"{path}: no lint expectations; mark a file that must stay silent with "
                f"'// lint: none'"]
    if expected and silent:
        return [f"{path}: '// lint: none' and expected findings in one file"]
    if "--" not in args:
        args += ["--"] + default_flags(path)
    split = args.index("--")
    command = [baton, "lint", "--format=json", "--quiet", *args[:split], path, *companions,
               *args[split:]]
    process = subprocess.run(command, capture_output=True, text=True)
    if process.returncode not in (0, 1):
        return [f"{path}: baton lint exited {process.returncode}:\n{process.stderr}"]
    report = json.loads(process.stdout)
    problems = []
    unmatched = list(expected)
    for finding in report["findings"]:
        where = finding["location"]
        match = next((e for e in unmatched
                      if os.path.samefile(e["file"], where["file"]) and e["line"] == where["line"]
                      and e["check"] == finding["kind"]
                      and (e["fragment"] is None or e["fragment"] in finding["message"])), None)
        if match:
            unmatched.remove(match)
        else:
            problems.append(f"{where['file']}:{where['line']}:{where.get('column', 0)}: "
                            f"unexpected {finding['kind']}: {finding['message']}")
    for missing in unmatched:
        fragment = f" containing {missing['fragment']!r}" if missing["fragment"] else ""
        problems.append(f"{missing['file']}:{missing['line']}: missing {missing['check']}{fragment}")
    want_status = 1 if expected else 0
    if not problems and process.returncode != want_status:
        problems.append(f"{path}: exit status {process.returncode}, expected {want_status}")
    return problems


def main():
    if len(sys.argv) < 3:
        print("usage: run_expectations.py BATON FILE...", file=sys.stderr)
        return 2
    baton, files = sys.argv[1], sys.argv[2:]
    failed = 0
    for path in files:
        problems = run_case(baton, path)
        print(("FAIL " if problems else "ok   ") + path)
        for problem in problems:
            print("    " + problem)
        failed += bool(problems)
    print(f"{len(files) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
