"""`casuslab lint` on every bad input of tests/lint_cases.yaml, run as a user runs it (a subprocess).

Each case starts from the contract example (tests/data/politie-aan-de-lijn.yaml and
tests/data/references.yaml), laid out as a course:

    tmp/scenarios/references.yaml
    tmp/scenarios/beroepsgeheim/<file>       (default politie-aan-de-lijn.yaml)
    tmp/course/course.yaml                   (only when the case has `course`)

A case changes one thing and names the code and line it expects. Fields:
  name, code, line, col (optional), message (optional substring), exit (default 1);
  replace: [[old, new], ...] on the example (each `old` must occur exactly once);
  scenario: the whole scenario text instead;  file: the scenario's file name;
  encoding: how to write the scenario (default utf-8);  no_catalogue: true;
  catalogue_replace / catalogue_append: changes to the catalogue;
  course: the text of course/course.yaml;  files: {relative path: text or '@example'};
  lint: which file to lint: scenario (default), catalogue or course.
  absent: true -- a near miss: lint must NOT report `code` on `line` (exit still checked).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from casuslab.lint.codes import CODES

HERE = Path(__file__).parent
EXAMPLE = (HERE / "data" / "politie-aan-de-lijn.yaml").read_text(encoding="utf-8")
CATALOGUE = (HERE / "data" / "references.yaml").read_text(encoding="utf-8")
CASES = yaml.safe_load((HERE / "lint_cases.yaml").read_text(encoding="utf-8"))
LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>CL\d{3}) (?P<message>.*)$")
NOT_IN_TABLE = {"CL007", "CL504"}  # tested below: a missing path, a course without a scenarios folder


def patched(text: str, pairs: list[list[str]], what: str) -> str:
    for old, new in pairs or []:
        assert text.count(old) == 1, f"{what}: {old!r} occurs {text.count(old)} times in the example"
        text = text.replace(old, new)
    return text


def lay_out(case: dict, root: Path) -> Path:
    """Write the case's files under ``root``; return the file to lint."""
    scenarios = root / "scenarios"
    theme = scenarios / "beroepsgeheim"
    theme.mkdir(parents=True)
    if not case.get("no_catalogue"):
        catalogue = patched(CATALOGUE, case.get("catalogue_replace"), case["name"]) + case.get("catalogue_append", "")
        (scenarios / "references.yaml").write_text(catalogue, encoding="utf-8")
    text = case["scenario"] if "scenario" in case else patched(EXAMPLE, case.get("replace"), case["name"])
    scenario = theme / case.get("file", "politie-aan-de-lijn.yaml")
    scenario.write_bytes(text.encode(case.get("encoding", "utf-8")))
    for relative, content in (case.get("files") or {}).items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(EXAMPLE if content == "@example" else content, encoding="utf-8")
    if "course" in case:
        (root / "course").mkdir()
        (root / "course" / "course.yaml").write_text(case["course"], encoding="utf-8")
    return {"scenario": scenario, "catalogue": scenarios / "references.yaml",
            "course": root / "course" / "course.yaml"}[case.get("lint", "scenario")]


def run_lint(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess:
    """`casuslab lint` in the default language (Flemish Dutch): CASUSLAB_LANG is not passed on."""
    env = {k: v for k, v in os.environ.items() if k != "CASUSLAB_LANG"}
    return subprocess.run([sys.executable, "-m", "casuslab.cli", "lint", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=60, env=env)


def parse(stdout: str) -> list[dict]:
    return [m.groupdict() for m in map(LINE.match, stdout.splitlines()) if m]


def test_table_is_large_and_well_formed():
    names = [c["name"] for c in CASES]
    assert len(CASES) >= 45
    assert len(names) == len(set(names)), "case names must be unique"
    for case in CASES:
        assert re.fullmatch(r"CL\d{3}", case["code"]) and case["code"] in CODES, case["name"]
        assert isinstance(case["line"], int), case["name"]


def test_every_code_has_a_case():
    covered = {c["code"] for c in CASES}
    assert set(CODES) - covered - NOT_IN_TABLE == set()


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_bad_input(case, tmp_path):
    target = lay_out(case, tmp_path)
    result = run_lint(target, cwd=tmp_path)
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    problems = parse(result.stdout)
    found = [p for p in problems if p["code"] == case["code"] and int(p["line"]) == case["line"]]
    if case.get("absent"):
        assert not found, f"near miss: {case['code']} must not be reported on line {case['line']}:\n{result.stdout}"
        assert result.returncode == case.get("exit", 1), output
        return
    assert found, f"expected {case['code']} on line {case['line']}; got:\n{result.stdout}{result.stderr}"
    assert all(p["path"] == str(target) for p in found)
    if "col" in case:
        assert any(int(p["col"]) == case["col"] for p in found), result.stdout
    if "message" in case:
        assert any(case["message"] in p["message"] for p in found), result.stdout
    assert result.returncode == case.get("exit", 1), output
    assert re.fullmatch(r"\d+ fout(en)?, \d+ waarschuwing(en)? in \d+ bestand(en)?",
                        result.stdout.rstrip().splitlines()[-1])


def test_example_lints_clean(tmp_path):
    (tmp_path / "references.yaml").write_text(CATALOGUE, encoding="utf-8")
    (tmp_path / "politie-aan-de-lijn.yaml").write_text(EXAMPLE, encoding="utf-8")
    result = run_lint(tmp_path, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "geen problemen in 2 bestanden"


def test_default_paths_are_scenarios_and_course(tmp_path):
    case = {"name": "default", "course": COURSE}
    lay_out(case, tmp_path)
    result = run_lint(cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "geen problemen in 3 bestanden"


def test_problems_are_sorted_and_counted(tmp_path):
    case = {"name": "many", "replace": [["theme: beroepsgeheim", "theme: geheim"], ["minutes: 25", "minuten: 25"],
                                        ["            feedback: Klopt, ook de hulprelatie zelf is een geheim.\n", ""]]}
    target = lay_out(case, tmp_path)
    result = run_lint(target, cwd=tmp_path)
    problems = parse(result.stdout)
    assert [(p["code"], int(p["line"])) for p in problems] == [("CL104", 4), ("CL101", 7), ("CL301", 60)]
    assert result.stdout.splitlines()[-1] == "2 fouten, 1 waarschuwing in 1 bestand"
    assert "waarschuwing: optie 'a'" in result.stdout
    assert result.returncode == 1


def test_json_format(tmp_path):
    case = {"name": "json", "replace": [["accept: [1, 2]", "accept: [2, 1]"],
                                        ["            feedback: Klopt, ook de hulprelatie zelf is een geheim.\n", ""]]}
    target = lay_out(case, tmp_path)
    result = run_lint("--format", "json", target, cwd=tmp_path)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["summary"] == {"files": 1, "errors": 1, "warnings": 1}
    assert [(p["code"], p["line"], p["severity"]) for p in report["problems"]] == [
        ("CL301", 60, "warning"), ("CL212", 134, "error")]
    assert set(report["problems"][0]) == {"path", "line", "col", "code", "severity", "message"}
    assert report["problems"][0]["path"] == str(target)


def test_warnings_alone_exit_zero_in_json(tmp_path):
    case = {"name": "warn", "replace": [["            feedback: Klopt, ook de hulprelatie zelf is een geheim.\n", ""]]}
    result = run_lint("--format", "json", lay_out(case, tmp_path), cwd=tmp_path)
    assert result.returncode == 0
    assert json.loads(result.stdout)["summary"]["warnings"] == 1


def test_unknown_format_is_refused(tmp_path):
    result = run_lint("--format", "xml", tmp_path, cwd=tmp_path)
    assert result.returncode == 2
    assert "onbekend --format 'xml'" in result.stderr and "Traceback" not in result.stderr


def test_missing_path(tmp_path):
    result = run_lint(tmp_path / "nope.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert f"{tmp_path / 'nope.yaml'}:1:1: CL007 bestand of map niet gevonden" in result.stdout


def test_nothing_to_lint(tmp_path):
    result = run_lint(cwd=tmp_path)
    assert result.returncode == 2
    assert "hier valt niets te controleren" in result.stderr and "Traceback" not in result.stderr


def test_course_without_scenarios_folder(tmp_path):
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "course.yaml").write_text(COURSE, encoding="utf-8")
    result = run_lint(tmp_path / "course" / "course.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert [(p["code"], int(p["line"])) for p in parse(result.stdout)] == [("CL504", 4)]


COURSE = """\
format: casuslab/course-v1
course_id: sociaal-werk-ethiek
title: Beroepsethiek en beroepsgeheim
assignments:
  - id: oefenreeks-beroepsgeheim
    mode: practice
    scenarios: [politie-aan-de-lijn]
"""
