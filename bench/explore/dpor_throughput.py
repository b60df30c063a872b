#!/usr/bin/env python3
"""DPOR throughput: `baton check --strategy dpor` on K threads that each take one mutex once.

The search must run exactly K! executions and end `verified`; the benchmark prints the median
wall time over --runs runs and executions per second, counted two ways: complete executions
(what GenMC and Nidhugg report) and every execution started (sleep-blocked ones included).
On a shared machine the wall time depends on the load; the CPU time of baton and the program
per execution started (user + system, median) and the load average are printed beside it.
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--baton", required=True)
    parser.add_argument("--threads", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    baton_cc = os.path.join(os.path.dirname(options.baton), "baton-cc")
    with tempfile.TemporaryDirectory() as directory:
        source = os.path.join(directory, "workers.c")
        binary = os.path.join(directory, "workers")
        with open(source, "w") as out:
            out.write(PROGRAM % options.threads)
        subprocess.run([baton_cc, "-o", binary, source], check=True)
        reports = []
        cpu = []  # seconds of CPU (user + system) of baton and the program, per run
        for _ in range(options.runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            result = subprocess.run([options.baton, "check", "--strategy", "dpor", "--format", "json",
                                     "--time-limit", "3600", binary],
                                    capture_output=True, text=True, cwd=directory)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if result.returncode not in (0, 1):
                sys.exit(f"baton failed: {result.stderr}")
            reports.append(json.loads(result.stdout))
            cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    expected = math.factorial(options.threads)
    for report in reports:
        stats = report["stats"]
        if report["verdict"] != "verified" or stats["executions"] != expected:
            sys.exit(f"FAIL expected {expected} executions and 'verified', got {report['verdict']}, {stats}")
    seconds = statistics.median(r["stats"]["seconds"] for r in reports)
    blocked = reports[0]["stats"]["sleep_blocked"]
    complete_rate = expected / seconds
    started_rate = (expected + blocked) / seconds
    print(f"{options.threads} threads x 1 mutex: {expected} executions (+{blocked} sleep-blocked), "
          f"median {seconds:.2f} s over {options.runs} runs, {os.cpu_count()} cores")
    print(f"baton dpor: {complete_rate:,.0f} executions/s ({started_rate:,.0f}/s counting sleep-blocked)")
    print(f"CPU per execution started: {statistics.median(cpu) / (expected + blocked) * 1e6:.0f} us "
          f"(baton and the program, user + system); load average {os.getloadavg()[0]:.1f}")
    for peer, rate in PEERS.items():
        print(f"ratio baton/{peer} ({rate:,.0f}/s, quoted): {complete_rate / rate:.3f} (target > 1)")


if __name__ == "__main__":
    main()
