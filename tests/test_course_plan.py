"""The course as a whole (issue 5): twelve linted scenarios, four per theme, branching,
every scenario scores full marks on all-correct answers, and every case is documented."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from casuslab import paths, scoring
from casuslab.lint.check import check_scenario
from casuslab.scenario.load import load_course
from casuslab.scenario.spec import to_spec

ROOT = Path(__file__).resolve().parents[1]
THEMES = ("beroepsgeheim", "ethiek", "behoefteanalyse")
SCENARIOS = sorted(p for theme in THEMES for p in (ROOT / "scenarios" / theme).glob("*.yaml"))


def test_whole_course_lints_without_errors_or_warnings():
    proc = subprocess.run(
        [sys.executable, "-m", "casuslab.cli", "lint", "--format", "json",
         str(ROOT / "scenarios"), str(ROOT / "course" / "course.yaml")],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    problems = report["problems"] if isinstance(report, dict) else report
    assert problems == [], problems


def test_four_scenarios_per_theme_and_three_primers():
    for theme in THEMES:
        assert len(list((ROOT / "scenarios" / theme).glob("*.yaml"))) >= 4, theme
    primers = sorted(p.stem for p in (ROOT / "scenarios" / "primers").glob("*.yaml"))
    assert primers == ["primer-behoefteanalyse", "primer-beroepsgeheim", "primer-ethiek"]


def test_course_plan_uses_every_scenario_once_with_one_mixed_exam():
    course = load_course(ROOT / "course" / "course.yaml").model
    used = [sid for a in course.assignments for sid in a.scenarios]
    assert sorted(used) == sorted(p.stem for p in SCENARIOS)
    assert len(used) == len(set(used))
    practice = [a for a in course.assignments if a.mode == "practice"]
    exams = [a for a in course.assignments if a.mode == "exam"]
    assert len(practice) == 3 and len(exams) == 1
    themes = {yaml.safe_load(next(ROOT.glob(f"scenarios/*/{sid}.yaml")).read_text())["theme"] for sid in exams[0].scenarios}
    assert themes == set(THEMES)
    assert sorted(course.primers) == ["primer-behoefteanalyse", "primer-beroepsgeheim", "primer-ethiek"]


def test_at_least_three_scenarios_branch():
    branching = []
    for path in SCENARIOS:
        spec = to_spec(check_scenario(path)[0])
        if len(list(paths.all_paths(spec))) > 1:
            branching.append(path.stem)
    assert len(branching) >= 3, branching


def _correct_answer(question: dict):
    kind = question["type"]
    if kind == "single":
        return next(o["id"] for o in question["options"] if o.get("correct"))
    if kind == "multiple":
        return [o["id"] for o in question["options"] if o.get("correct")]
    if kind == "order":
        return [i["id"] for i in question["items"]]
    if kind == "scale":
        return question["accept"][0]
    return question.get("model_answer", "")


@pytest.mark.parametrize("path", SCENARIOS + sorted((ROOT / "scenarios" / "primers").glob("*.yaml")), ids=lambda p: p.stem)
def test_all_correct_answers_score_full_marks_on_every_path(path):
    scenario, problems = check_scenario(path)
    assert scenario is not None and not [p for p in problems if p.is_error]
    spec = to_spec(scenario)
    questions = {q["id"]: q for s in spec["stages"] for q in s.get("questions", [])}
    for route in paths.all_paths(spec):
        answers = {qid: _correct_answer(q) for qid, q in questions.items()}
        # follow this route: choose, at each branching stage, an option leading to the next stage
        for here, there in zip(route, route[1:]):
            stage = next(s for s in spec["stages"] if s["id"] == here)
            branch = paths.branching_question(stage)
            if branch is not None and paths.next_stage(spec, spec["stages"].index(stage), answers[branch["id"]]) != there:
                leading = [o["id"] for o in branch["options"] if o.get("next") == there]
                answers[branch["id"]] = leading[0] if leading else None
        doc = {"format": scoring.ANSWERS_FORMAT, "scenario": spec["id"], "answers": answers}
        report = scoring.score_document(spec, doc)
        for qid, entry in report["questions"].items():
            if entry["status"] == "graded":
                on_correct_branch = answers[qid] == _correct_answer(questions[qid])
                if on_correct_branch:
                    assert entry["score"] == entry["max"], (route, qid, entry)
        assert report["max"] == scoring.path_max(spec)


def test_inhoud_documents_every_scenario_and_primer():
    text = (ROOT / "docs" / "inhoud.md").read_text(encoding="utf-8")
    for path in SCENARIOS + sorted((ROOT / "scenarios" / "primers").glob("*.yaml")):
        assert f"`{path.stem}`" in text, path.stem
