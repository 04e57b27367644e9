"""build_course and `casuslab build`: layout, config, refusals, stale files, primers."""

from __future__ import annotations

import json
import subprocess
import sys

import nbformat
import pytest

from buildkit import SID, add_primer, make_course, write_plan
from casuslab.build import BuildResult, build_course
from casuslab.errors import BuildError, ScenarioInvalid

PLAN = [
    {"id": "oefenreeks", "mode": "practice", "scenarios": [SID]},
    {"id": "examen", "mode": "exam", "scenarios": [SID]},
]


def files(root) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_layout(tmp_path):
    course = make_course(tmp_path, PLAN)
    result = build_course(course, tmp_path / "scenarios")
    assert isinstance(result, BuildResult) and result.course_id == "test-cursus"
    assert sorted(files(course)) == [
        ".casuslab-build.json", "course.yaml", "nbgrader_config.py",
        f"source/examen/{SID}.case.json", f"source/examen/{SID}.ipynb",
        f"source/oefenreeks/{SID}.case.json", f"source/oefenreeks/{SID}.ipynb",
    ]
    assert result.notebooks == {"oefenreeks": [course / "source/oefenreeks" / f"{SID}.ipynb"], "examen": [course / "source/examen" / f"{SID}.ipynb"]}
    for a in ("oefenreeks", "examen"):
        nbformat.validate(nbformat.read(course / "source" / a / f"{SID}.ipynb", as_version=4))
    practice = json.loads((course / f"source/oefenreeks/{SID}.case.json").read_text(encoding="utf-8"))
    exam = json.loads((course / f"source/examen/{SID}.case.json").read_text(encoding="utf-8"))
    assert (practice["mode"], practice["assignment"], exam["mode"], exam["assignment"]) == ("practice", "oefenreeks", "exam", "examen")
    assert practice["stages"][0]["questions"][0]["options"][1]["correct"] is True
    assert "correct" not in exam["stages"][0]["questions"][0]["options"][1]
    assert set(exam["reference_catalogue"]) == {"sw-458", "sw2024-352", "sv-46bis1"}
    assert exam["reference_catalogue"]["sw-458"]["replaced_by"] == "sw2024-352"


def test_default_scenarios_folder_is_beside_the_course(tmp_path):
    course = make_course(tmp_path, PLAN)
    build_course(course)
    assert (course / "source/examen" / f"{SID}.ipynb").is_file()


def test_scenarios_folder_elsewhere(tmp_path):
    make_course(tmp_path, PLAN)
    course = tmp_path / "ergens" / "cursus"
    course.parent.mkdir()
    (tmp_path / "course").rename(course)
    (tmp_path / "scenarios").rename(tmp_path / "casussen")
    with pytest.raises(BuildError, match="CL504"):
        build_course(course)
    build_course(course, tmp_path / "casussen")
    assert (course / "source/examen" / f"{SID}.ipynb").is_file()


def test_two_builds_are_byte_identical(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    for root in (one, two):
        root.mkdir()
        build_course(make_course(root, PLAN))
    assert files(one / "course") == files(two / "course")
    again = build_course(one / "course")
    assert again.written == [] and again.removed == []


def test_nbgrader_config(tmp_path):
    course = make_course(tmp_path, PLAN + [{"id": "extra", "mode": "exam", "scenarios": [SID]}])
    build_course(course)
    text = (course / "nbgrader_config.py").read_text(encoding="utf-8")
    config: dict = {}

    class Section(dict):
        __getattr__ = dict.__getitem__
        def __setattr__(self, key, value):
            self[key] = value

    c = type("Config", (), {})()
    c.CourseDirectory, c.Autograde = Section(), Section()
    exec(compile(text, "nbgrader_config.py", "exec"), {"get_config": lambda: c}, config)
    assert c.CourseDirectory["course_id"] == "test-cursus"
    assert "root" not in c.CourseDirectory
    assert c.Autograde["exclude_overwriting"] == {
        "examen": [f"{SID}.answers.json"], "extra": [f"{SID}.answers.json"], "oefenreeks": [f"{SID}.answers.json"],
    }
    ignore = c.CourseDirectory["ignore"]
    assert {".ipynb_checkpoints", "__pycache__", "*.pyc", "feedback"} <= set(ignore)
    # collect and autograde apply this list too: ignoring answers files would lose every answer
    assert not any(pattern.endswith(".answers.json") for pattern in ignore)


def test_refuses_an_answers_file_in_source(tmp_path):
    course = make_course(tmp_path, PLAN)
    build_course(course)
    leak = course / "source" / "examen" / f"{SID}.answers.json"
    leak.write_text('{"answers": {"reactie": "b"}}', encoding="utf-8")
    before = files(course)
    with pytest.raises(BuildError) as info:
        build_course(course)
    assert str(leak) in str(info.value) and info.value.location.path == str(leak)
    assert files(course) == before


def test_refuses_lint_errors_and_writes_nothing(tmp_path):
    course = make_course(tmp_path, PLAN)
    scenario = tmp_path / "scenarios" / "beroepsgeheim" / f"{SID}.yaml"
    scenario.write_text(scenario.read_text(encoding="utf-8").replace("points: 2\n", "points: twee\n", 1), encoding="utf-8")
    with pytest.raises(ScenarioInvalid) as info:
        build_course(course)
    assert f"{SID}.yaml:" in str(info.value) and info.value.problems
    assert not (course / "source").exists() and not (course / "nbgrader_config.py").exists()


def test_refuses_what_only_the_linter_sees(tmp_path):
    course = make_course(tmp_path, PLAN)
    scenario = tmp_path / "scenarios" / "beroepsgeheim" / f"{SID}.yaml"
    scenario.write_text(scenario.read_text(encoding="utf-8").replace("next: klacht\n", "next: klachten\n", 1), encoding="utf-8")
    with pytest.raises(ScenarioInvalid) as info:
        build_course(course)
    assert [p.code for p in info.value.problems] == ["CL207"]
    assert not (course / "source").exists()


def test_refuses_a_broken_catalogue(tmp_path):
    course = make_course(tmp_path, PLAN)
    catalogue = tmp_path / "scenarios" / "references.yaml"
    catalogue.write_text(catalogue.read_text(encoding="utf-8").replace("replaced_by: sw2024-352", "replaced_by: sw2024-999"), encoding="utf-8")
    with pytest.raises(ScenarioInvalid) as info:
        build_course(course)
    assert "CL401" in [p.code for p in info.value.problems]


def test_warnings_do_not_block(tmp_path):
    course = make_course(tmp_path, PLAN)
    scenario = tmp_path / "scenarios" / "beroepsgeheim" / f"{SID}.yaml"
    text = scenario.read_text(encoding="utf-8")
    scenario.write_text(text.replace("            feedback: Dat is niet waar, er was geen wettelijke verplichting.\n", "", 1), encoding="utf-8")
    result = build_course(course)
    assert [p.code for p in result.warnings] == ["CL301"]


def test_refuses_an_unknown_scenario_with_its_line(tmp_path):
    course = make_course(tmp_path, [{"id": "a", "mode": "practice", "scenarios": [SID, "bestaat-niet"]}])
    with pytest.raises(ScenarioInvalid) as info:
        build_course(course)
    [problem] = info.value.problems
    assert (problem.code, problem.location.line, problem.location.col) == ("CL501", 7, 38) and "bestaat-niet" in problem.message


def test_refuses_a_broken_course_plan(tmp_path):
    course = make_course(tmp_path, PLAN)
    (course / "course.yaml").write_text("format: casuslab/course-v1\ncourse_id: x\ntitle: T\nassignments:\n  - id: a\n    mode: toets\n    scenarios: [x]\n", encoding="utf-8")
    with pytest.raises(ScenarioInvalid) as info:
        build_course(course)
    assert any(p.location.line == 6 for p in info.value.problems)


def test_missing_course_plan(tmp_path):
    with pytest.raises(BuildError) as info:
        build_course(tmp_path / "nergens")
    assert "course.yaml" in str(info.value)


def test_stale_notebooks_are_removed(tmp_path):
    course = make_course(tmp_path, PLAN)
    build_course(course)
    own = course / "source" / "examen" / "eigen-notities.txt"
    own.write_text("van de lector", encoding="utf-8")
    write_plan(course, [PLAN[0]])
    result = build_course(course)
    assert sorted(p.name for p in result.removed) == [f"{SID}.case.json", f"{SID}.ipynb"]
    assert not (course / "source" / "examen" / f"{SID}.ipynb").exists()
    assert own.is_file()  # only what a build wrote is ever removed
    assert (course / "source" / "oefenreeks" / f"{SID}.ipynb").is_file()
    assert "examen" not in (course / "nbgrader_config.py").read_text(encoding="utf-8")


def test_primers(tmp_path):
    course = make_course(tmp_path, PLAN, primers=["primer-test"])
    add_primer(tmp_path)
    result = build_course(course)
    assert result.primers == [course / "primers" / "primer-test.ipynb"]
    nb = nbformat.read(course / "primers" / "primer-test.ipynb", as_version=4)
    nbformat.validate(nb)
    assert all("nbgrader" not in c.metadata for c in nb.cells)
    assert not any(c.id.startswith(("q-", "open-", "task-")) for c in nb.cells)
    case = json.loads((course / "primers" / "primer-test.case.json").read_text(encoding="utf-8"))
    assert case["mode"] == "practice" and case["assignment"] is None and case["id"] == "primer-test"
    assert "primers" not in (course / "nbgrader_config.py").read_text(encoding="utf-8")


def test_references_and_schema_files_are_not_scenarios(tmp_path):
    course = make_course(tmp_path, PLAN)
    (tmp_path / "scenarios" / "scenario.schema.json").write_text("{}", encoding="utf-8")
    (tmp_path / "scenarios" / "beroepsgeheim" / "references.yaml").write_text(
        (tmp_path / "scenarios" / "references.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    build_course(course)


def test_duplicate_scenario_ids_are_refused(tmp_path):
    course = make_course(tmp_path, PLAN)
    (tmp_path / "scenarios" / "kopie").mkdir()
    (tmp_path / "scenarios" / "kopie" / f"{SID}.yaml").write_text("x: 1\n", encoding="utf-8")
    with pytest.raises(BuildError, match="CL505"):
        build_course(course)


def _cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "casuslab.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_cli_build(tmp_path):
    course = make_course(tmp_path, PLAN)
    done = _cli("build", "--course", str(course), "--scenarios", str(tmp_path / "scenarios"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "examen: politie-aan-de-lijn" in done.stdout
    assert (course / "source" / "examen" / f"{SID}.ipynb").is_file()


def test_cli_build_errors_without_traceback(tmp_path):
    course = make_course(tmp_path, PLAN)
    build_course(course)
    (course / "source" / "examen" / f"{SID}.answers.json").write_text("{}", encoding="utf-8")
    done = _cli("build", "--course", str(course), cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr and "antwoordbestanden in source/" in done.stderr
    done = _cli("build", "--course", str(tmp_path / "nergens"), cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr and "course.yaml" in done.stderr
