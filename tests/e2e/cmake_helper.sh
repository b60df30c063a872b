#!/bin/sh
# cmake/Baton.cmake end to end: configures tests/e2e/projects/ctest with baton-cc as its C
# compiler, builds it and runs its CTest tests, which run `baton check` on each binary: the
# racy counter's test must fail with baton's data-race report, the locked one must pass.
# Usage: cmake_helper.sh SOURCE-DIR BIN-DIR (BIN-DIR holds baton and baton-cc)
set -u
source_dir=$1 bin_dir=$2
work=$(mktemp -d /tmp/baton-cmake.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL $*"; exit 1; }

cmake -S "$source_dir/tests/e2e/projects/ctest" -B "$work" -G Ninja \
      -DCMAKE_C_COMPILER="$bin_dir/baton-cc" -DCMAKE_MODULE_PATH="$source_dir/cmake" \
      >"$work.log" 2>&1 || { cat "$work.log"; rm -f "$work.log"; fail "configure"; }
rm -f "$work.log"
grep -q "BATON_EXECUTABLE:FILEPATH=$bin_dir/baton" "$work/CMakeCache.txt" ||
    fail "baton was not found beside baton-cc"
cmake --build "$work" >/dev/null || fail "build"
(cd "$work" && ctest -R locked_counter_under_baton --output-on-failure) >"$work/locked.out" 2>&1 ||
    { cat "$work/locked.out"; fail "the locked counter's test failed"; }
(cd "$work" && ctest -R racy_counter_under_baton --output-on-failure) >"$work/racy.out" 2>&1 &&
    { cat "$work/racy.out"; fail "the racy counter's test passed"; }
grep -q "data-race" "$work/racy.out" || { cat "$work/racy.out"; fail "no data-race in the failing test's output"; }
grep -q "1 tests failed out of 1" "$work/racy.out" || { cat "$work/racy.out"; fail "ctest summary"; }
echo "ok   cmake/Baton.cmake: locked counter passes, racy counter fails with its data race"
