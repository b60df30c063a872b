#!/usr/bin/env python3
"""End-to-end tests of the `baton lint` command line: exit status and the one-line errors of
bad input, compiler errors with other files still analyzed, compilation databases (-p and
found above the file), --checks, NOLINT, --baseline, -o, --list-checks, and fix-its that
compile. Usage: cli_test.py BATON DATA-DIR. Prints one line per test and 'N passed, M failed'.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

BATON, DATA = sys.argv[1], sys.argv[2]
TESTS = []


def test(function):
    TESTS.append(function)
    return function


def lint(*args, cwd=None):
    return subprocess.run([BATON, "lint", *args], capture_output=True, text=True, cwd=cwd)


def one_line_error(result):
    assert result.returncode == 2, f"exit {result.returncode}, stderr {result.stderr!r}"
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("baton lint: "), result.stderr
    assert result.stdout == "", result.stdout


def copy(name, directory, text=None):
    target = os.path.join(directory, name)
    if text is None:
        shutil.copy(os.path.join(DATA, name), target)
    else:
        with open(target, "w") as out:
            out.write(text)
    return target


def findings(result):
    return json.loads(result.stdout)["findings"]


@test
def missing_file_is_one_line_exit_2():
    one_line_error(lint("no/such/file.c"))


@test
def missing_build_dir_is_one_line_exit_2():
    one_line_error(lint("-p", "/no/such/build", os.path.join(DATA, "race.c")))


@test
def build_dir_without_database_is_one_line_exit_2():
    with tempfile.TemporaryDirectory() as empty:
        result = lint("-p", empty, os.path.join(DATA, "race.c"))
        one_line_error(result)
        assert "compile_commands.json" in result.stderr


@test
def usage_errors_are_one_line_exit_2():
    one_line_error(lint("--frobnicate", os.path.join(DATA, "race.c")))
    one_line_error(lint())
    one_line_error(lint("--format=xml", os.path.join(DATA, "race.c")))
    one_line_error(lint("--checks=-*", os.path.join(DATA, "race.c")))
    one_line_error(lint(DATA))  # a directory


@test
def broken_file_shows_compiler_error_exits_2_and_others_are_analyzed():
    result = lint("--format=json", os.path.join(DATA, "broken.c"), os.path.join(DATA, "race.c"),
                  "--", "-DRACE")
    assert result.returncode == 2, result.returncode
    assert "error:" in result.stderr and "undeclared_variable" in result.stderr, result.stderr
    report = json.loads(result.stdout)
    assert [os.path.basename(f) for f in report["failed"]] == ["broken.c"], report["failed"]
    kinds = {(os.path.basename(f["location"]["file"]), f["kind"]) for f in report["findings"]}
    assert ("race.c", "baton-unprotected-shared") in kinds, kinds


@test
def exit_0_without_findings_and_1_with():
    assert lint(os.path.join(DATA, "race.c")).returncode == 0
    result = lint(os.path.join(DATA, "race.c"), "--", "-DRACE")
    assert result.returncode == 1, result.stderr
    assert "[baton-unprotected-shared]" in result.stdout
    assert "^" in result.stdout and "runs in a thread started here" in result.stdout
    assert lint("--extra-arg=-DRACE", os.path.join(DATA, "race.c")).returncode == 1


@test
def checks_globs_select_checks():
    race = os.path.join(DATA, "race.c")
    assert lint("--checks=-*,baton-busy-wait", race, "--", "-DRACE").returncode == 0
    assert lint("--checks=-*,baton-unprotected-*", race, "--", "-DRACE").returncode == 1
    listed = lint("--checks=-*,baton-lock-*", "--list-checks")
    assert listed.returncode == 0
    assert "baton-lock-leak" in listed.stdout and "baton-busy-wait" not in listed.stdout
    every = lint("--list-checks").stdout
    assert sum(line.strip().startswith("baton-") for line in every.splitlines()) == 8, every


@test
def nolint_comments_suppress_by_check():
    with tempfile.TemporaryDirectory() as directory:
        source = open(os.path.join(DATA, "race.c")).read()
        line = "    counter++;\n"
        cases = {
            line.rstrip() + "  // NOLINT(baton-unprotected-shared)\n": 0,
            line.rstrip() + "  // NOLINT\n": 0,
            "    // NOLINTNEXTLINE(baton-*)\n" + line: 0,
            "    // NOLINTBEGIN(baton-unprotected-shared)\n" + line + "    // NOLINTEND(baton-unprotected-shared)\n": 0,
            line.rstrip() + "  // NOLINT(baton-busy-wait)\n": 1,
        }
        for replacement, status in cases.items():
            path = copy("race.c", directory, source.replace(line, replacement))
            result = lint(path, "--", "-DRACE")
            assert result.returncode == status, (replacement, result.stdout)


@test
def baseline_accepts_known_findings_even_when_lines_move():
    with tempfile.TemporaryDirectory() as directory:
        path = copy("race.c", directory)
        for form in ("json", "sarif"):
            baseline = os.path.join(directory, "baseline." + form)
            assert lint("--format=" + form, "-o", baseline, path, "--", "-DRACE").returncode == 1
            assert lint("--baseline", baseline, path, "--", "-DRACE").returncode == 0
        original = open(path).read()
        moved = original.replace("int counter = 0;", "int counter = 0;\nint other = 0;")
        moved = moved.replace("    counter++;\n", "    counter++;\n    other++;\n")
        with open(path, "w") as out:  # move everything down and add a new race
            out.write("\n\n\n" + moved)
        result = lint("--format=json", "--baseline", baseline, path, "--", "-DRACE")
        assert result.returncode == 1, result.stdout
        reported = findings(result)
        assert len(reported) == 1 and "'other'" in reported[0]["message"], reported
        assert json.loads(result.stdout)["baselined"] == 1
        one_line_error(lint("--baseline", os.path.join(DATA, "race.c"), path))  # not a report
        one_line_error(lint("--baseline", "/no/such/baseline.json", path))


@test
def compilation_database_from_p_and_from_above_the_file():
    with tempfile.TemporaryDirectory() as directory:
        path = copy("race.c", directory)
        database = [{"directory": directory, "file": path,
                     "arguments": ["cc", "-DRACE", "-c", path, "-o", "race.o"]}]
        with open(os.path.join(directory, "compile_commands.json"), "w") as out:
            json.dump(database, out)
        assert lint("-p", directory, path).returncode == 1
        assert lint("-p", directory).returncode == 1  # every file of the database
        assert lint(path).returncode == 1  # found above the file, as clang-tidy does
        assert lint(path, "--").returncode == 0  # `--` means: these flags, no database


@test
def output_file_is_written_whole_or_not_at_all():
    with tempfile.TemporaryDirectory() as directory:
        target = os.path.join(directory, "report.sarif")
        result = lint("--format=sarif", "-o", target, os.path.join(DATA, "race.c"), "--", "-DRACE")
        assert result.returncode == 1 and result.stdout == ""
        assert json.load(open(target))["runs"][0]["results"]
        one_line_error(lint("-o", "/no/such/dir/report.txt", os.path.join(DATA, "race.c")))


@test
def fixits_compile_and_remove_the_findings():
    with tempfile.TemporaryDirectory() as directory:
        path = copy("fixable.c", directory)
        result = lint("--format=json", path, "--")
        assert result.returncode == 1
        fixes = [fix for finding in findings(result) for fix in finding.get("fixits", [])]
        assert fixes, result.stdout
        lines = open(path).read().split("\n")
        # Apply from the bottom right up so earlier columns stay valid.
        for fix in sorted(fixes, key=lambda f: (f["begin"]["line"], f["begin"]["column"]), reverse=True):
            row = fix["begin"]["line"] - 1
            begin, end = fix["begin"]["column"] - 1, fix["end"]["column"] - 1
            lines[row] = lines[row][:begin] + fix["replacement"] + lines[row][end:]
        with open(path, "w") as out:
            out.write("\n".join(lines))
        compiled = subprocess.run(["clang-14", "-fsyntax-only", "-Werror", "-D_POSIX_C_SOURCE=200809L",
                                   path], capture_output=True, text=True)
        assert compiled.returncode == 0, compiled.stderr + open(path).read()
        after = lint("--format=json", path, "--", "-D_POSIX_C_SOURCE=200809L")
        assert after.returncode == 0, after.stdout


@test
def help_exits_0():
    result = lint("--help")
    assert result.returncode == 0 and "--checks" in result.stdout


def main():
    failed = 0
    for function in TESTS:
        try:
            function()
            print("ok   " + function.__name__)
        except AssertionError as error:
            failed += 1
            print("FAIL " + function.__name__ + ": " + str(error)[:2000])
    print(f"{len(TESTS) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
