#!/usr/bin/env python3
"""Whole-process time of `baton lint` against `clang-tidy --checks=-*,concurrency-mt-unsafe`
over the same files with the same flags, runs alternating so that both see the same machine
state; prints each tool's median and the ratio baton / clang-tidy (the issue asks <= 1.2).

Files: every testcase under TESTCASES-DIR (seeds and lint testcases; C and C++ apart, as they
need different -std flags), each tool invoked once per language per run, as CI would.
"""
import argparse
import glob
import os
import shutil
import statistics
import subprocess
import sys
import time


def timed(command):
    start = time.perf_counter()
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):  # clang-tidy: 1 on warnings-as-errors only; baton: 1 findings
        sys.exit(f"{command[0]} failed ({result.returncode}): {' '.join(command)}")
    return elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--baton", required=True)
    parser.add_argument("--clang-tidy", default=shutil.which("clang-tidy-14") or "clang-tidy")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("testcases")
    options = parser.parse_args()
    every = sorted(glob.glob(os.path.join(options.testcases, "**", "*.c*"), recursive=True))
    groups = [([f for f in every if f.endswith(".c")], ["-std=gnu17"]),
              ([f for f in every if f.endswith(".cpp")], ["-std=gnu++20"])]
    tools = {
        "baton lint": lambda files, flags: [options.baton, "lint", "--quiet", *files, "--", *flags],
        "clang-tidy": lambda files, flags: [options.clang_tidy, "--quiet",
                                            "--checks=-*,concurrency-mt-unsafe", *files, "--", *flags],
    }
    times = {name: [] for name in tools}
    for _ in range(options.runs):
        for name, command in tools.items():
            times[name].append(sum(timed(command(files, flags)) for files, flags in groups if files))
    count = sum(len(files) for files, _ in groups)
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, median in medians.items():
        print(f"{name:11} median {median:.3f} s over {options.runs} runs, {count} files "
              f"(min {min(times[name]):.3f}, max {max(times[name]):.3f})")
    ratio = medians["baton lint"] / medians["clang-tidy"]
    print(f"ratio baton/clang-tidy: {ratio:.2f} (target <= 1.2)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
