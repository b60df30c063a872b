#!/usr/bin/env python3
"""DPOR throughput: `baton check --strategy dpor` on K threads that each take one mutex once.

The search must run exactly K! executions and end `verified`. Three configurations, each the
median over --runs runs: pinned to one core (baton and the program's process share it),
--jobs 1 (one execution at a time; the two processes free to use two cores), and the default,
--jobs with every core (N/2 runners share one search, each with a program process that runs
the runner's next execution while the runner reads its last). Each line prints executions per
second (complete ones: what GenMC and Nidhugg report), the executions started and the CPU
time of baton and the program per execution started (user + system): on a shared machine the
wall time depends on the load, which is printed too.
GenMC and Nidhugg are not packaged for Debian; their rates on this program, measured on the
machine the issue was written on, are quoted for the ratio.
"""
import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile

PEERS = {"GenMC": 11500.0, "Nidhugg": 7500.0}  # executions/s, quoted from the issue

PROGRAM = r"""#include <pthread.h>
#define K %d
pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
int counter;
void* worker(void* arg) {
    pthread_mutex_lock(&lock);
    counter++;
    pthread_mutex_unlock(&lock);
    return 0;
}
int main(void) {
    pthread_t threads[K];
    for (int i = 0; i < K; i++) pthread_create(&threads[i], 0, worker, 0);
    for (int i = 0; i < K; i++) pthread_join(threads[i], 0);
    return 0;
}
"""


def measure(options, binary, directory, jobs=1, cpus=None):
    """Runs the search --runs times; returns (reports, CPU seconds per run)."""
    reports = []
    cpu = []  # seconds of CPU (user + system) of baton and the program, per run
    pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
    for _ in range(options.runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        result = subprocess.run([options.baton, "check", "--strategy", "dpor", "--format", "json",
                                 "--time-limit", "3600", "--jobs", str(jobs), binary],
                                capture_output=True, text=True, cwd=directory, preexec_fn=pin)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if result.returncode not in (0, 1):
            sys.exit(f"baton failed: {result.stderr}")
        reports.append(json.loads(result.stdout))
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return reports, cpu


def summarize(title, options, reports, cpu):
    """Prints one configuration's line; returns its complete executions per second."""
    expected = math.factorial(options.threads)
    for report in reports:
        stats = report["stats"]
        if report["verdict"] != "verified" or stats["executions"] != expected:
            sys.exit(f"FAIL expected {expected} executions and 'verified', got {report['verdict']}, {stats}")
    seconds = statistics.median(r["stats"]["seconds"] for r in reports)
    started = statistics.median(r["stats"]["executions"] + r["stats"]["sleep_blocked"] for r in reports)
    rate = expected / seconds
    print(f"{title}: {rate:,.0f} executions/s (median {seconds:.3f} s; {started:.0f} executions started, "
          f"CPU {statistics.median(cpu) / started * 1e6:.0f} us each)")
    return rate


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--baton", required=True)
    parser.add_argument("--threads", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    baton_cc = os.path.join(os.path.dirname(options.baton), "baton-cc")
    cores = sorted(os.sched_getaffinity(0))
    print(f"{options.threads} threads x 1 mutex: {math.factorial(options.threads)} Mazurkiewicz traces; "
          f"median of {options.runs} runs; {len(cores)} cores; load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as directory:
        source = os.path.join(directory, "workers.c")
        binary = os.path.join(directory, "workers")
        with open(source, "w") as out:
            out.write(PROGRAM % options.threads)
        subprocess.run([baton_cc, "-o", binary, source], check=True)
        # baton and the program's process take turns; on one core they also share it.
        one_core = summarize("baton dpor, one core (baton and the program pinned to it)", options,
                             *measure(options, binary, directory, cpus={cores[0]}))
        default = summarize(f"baton dpor, --jobs 1 on {len(cores)} cores", options,
                            *measure(options, binary, directory))
        if len(cores) > 1:
            jobs = summarize(f"baton dpor, --jobs {len(cores)} (the default)", options,
                             *measure(options, binary, directory, jobs=len(cores)))
            print(f"ratio --jobs {len(cores)} / --jobs 1: {jobs / default:.3f} (target > 1)")
        else:
            jobs = default
    for peer, rate in PEERS.items():
        print(f"ratio baton one core/{peer} ({rate:,.0f}/s, quoted): {one_core / rate:.3f} (target > 1)")
        print(f"ratio baton --jobs {len(cores)}/{peer}: {jobs / rate:.3f} (target > 1)")


if __name__ == "__main__":
    main()
