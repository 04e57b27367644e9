"""The scoring rules of contract §1 and §4, per type and mode, plus unanswered and invalid."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from casuslab import scoring

SINGLE = {"id": "s", "type": "single", "points": 2, "options": [
    {"id": "a"}, {"id": "b", "correct": True}, {"id": "c"}]}
MULTI = {"id": "m", "type": "multiple", "points": 3, "options": [
    {"id": "a", "correct": True}, {"id": "b"}, {"id": "c", "correct": True},
    {"id": "d"}, {"id": "e", "correct": True}]}
MULTI_AON = dict(MULTI, scoring="all-or-nothing")
ORDER = {"id": "o", "type": "order", "points": 2, "items": [
    {"id": "wie"}, {"id": "wet"}, {"id": "overleg"}, {"id": "noteren"}]}
ORDER_EXACT = dict(ORDER, scoring="exact")
SCALE = {"id": "v", "type": "scale", "points": 1, "min": 1, "max": 5, "accept": [1, 2]}
OPEN = {"id": "t", "type": "open", "rubric": [
    {"id": "k", "criterion": "x", "levels": {"0": "a", "1": "b", "2": "c"}, "evidence": ["zwijgrecht", "getuig*"]},
    {"id": "l", "criterion": "y", "levels": {0: "a", 1: "b"}, "evidence": ["458|352"]}]}

CASES = [
    # (question, value, score, status)
    (SINGLE, "b", 2.0, "graded"),
    (SINGLE, "a", 0.0, "graded"),
    (SINGLE, "z", 0.0, "invalid"),
    (SINGLE, ["b"], 0.0, "invalid"),
    (SINGLE, None, 0.0, "unanswered"),
    (MULTI, ["a", "c", "e"], 3.0, "graded"),
    (MULTI, ["a", "c"], 2.0, "graded"),
    (MULTI, ["a", "b"], 0.0, "graded"),            # 1 right - 1 wrong = 0
    (MULTI, ["a", "c", "b"], 1.0, "graded"),       # 2 - 1 = 1 of 3
    (MULTI, ["b", "d"], 0.0, "graded"),            # never below 0
    (MULTI, [], 0.0, "graded"),                    # an empty list is a graded answer
    (MULTI, ["a", "a"], 0.0, "invalid"),           # repeated id
    (MULTI, ["a", "x"], 0.0, "invalid"),           # unknown id
    (MULTI, "a", 0.0, "invalid"),
    (MULTI_AON, ["a", "c", "e"], 3.0, "graded"),
    (MULTI_AON, ["e", "c", "a"], 3.0, "graded"),
    (MULTI_AON, ["a", "c"], 0.0, "graded"),
    (ORDER, ["wie", "wet", "overleg", "noteren"], 2.0, "graded"),
    (ORDER, ["wet", "wie", "overleg", "noteren"], 1.67, "graded"),  # 5 of 6 pairs
    (ORDER, ["noteren", "overleg", "wet", "wie"], 0.0, "graded"),
    (ORDER, ["wie", "wet", "overleg"], 0.0, "invalid"),             # incomplete
    (ORDER, ["wie", "wet", "overleg", "overleg"], 0.0, "invalid"),
    (ORDER_EXACT, ["wie", "wet", "overleg", "noteren"], 2.0, "graded"),
    (ORDER_EXACT, ["wet", "wie", "overleg", "noteren"], 0.0, "graded"),
    (SCALE, 1, 1.0, "graded"),
    (SCALE, 2, 1.0, "graded"),
    (SCALE, 3, 0.0, "graded"),
    (SCALE, 3.0, 0.0, "invalid"),
    (SCALE, True, 0.0, "invalid"),
    (SCALE, "2", 0.0, "invalid"),
    (SCALE, 6, 0.0, "invalid"),
    (OPEN, "Ik beroep me op mijn zwijgrecht.", None, "manual"),
    (OPEN, "   \n ", 0.0, "unanswered"),
    (OPEN, 12, 0.0, "invalid"),
]


@pytest.mark.parametrize("question,value,score,status", CASES)
def test_score_question(question, value, score, status):
    assert scoring.score_question(question, value) == (score, status)


def test_round_half_up():
    assert scoring.round2(0.125) == 0.13
    assert scoring.round2(2 * 1 / 3) == 0.67
    assert scoring.round2(1.005) == 1.01


def test_open_points_are_the_sum_of_top_levels():
    assert scoring.question_points(OPEN) == 3.0


EXAMPLE = Path(__file__).parent / "data" / "politie-aan-de-lijn.yaml"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "contracts" / "scenario-example.yaml"


@pytest.fixture
def example(tmp_path) -> Path:
    source = EXAMPLE if EXAMPLE.exists() else SHARED
    target = tmp_path / "politie-aan-de-lijn.yaml"
    target.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    refs = source.parent / ("references.yaml" if source == EXAMPLE else "references-example.yaml")
    (tmp_path / "references.yaml").write_text(refs.read_text(encoding="utf-8"), encoding="utf-8")
    return target


def run_score(scenario: Path, answers: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "casuslab.cli", "score", str(scenario), str(answers), "--json"],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return json.loads(proc.stdout)


def answers_file(tmp_path: Path, answers: dict, **extra) -> Path:
    doc = {"format": "casuslab/answers-v1", "scenario": "politie-aan-de-lijn",
           "submitted_stages": [], "answers": answers, "saved_at": {}}
    doc.update(extra)
    path = tmp_path / "politie-aan-de-lijn.answers.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_score_all_correct_via_branch_overleg(example, tmp_path):
    report = run_score(example, answers_file(tmp_path, {
        "reactie": "b", "welke-regels": ["a", "c", "e"],
        "stappen": ["wie", "wet", "overleg", "noteren"], "verplicht": 2,
        "herstel": "a",  # off the path: ignored
        "motivering": "Als getuige voor de rechter heb ik zwijgrecht. Ik weeg af welk belang "
                      "voorgaat, bewaak het vertrouwen en zeg alleen wat nodig is (art. 458 Sw., art. 352).",
    }))
    assert report["scenario"] == "politie-aan-de-lijn"
    assert report["max"] == 13.0
    assert report["total"] == 8.0  # 2 + 3 + 2 + 1; the open question waits for the lecturer
    q = report["questions"]
    assert q["herstel"] == {"score": 0.0, "max": 2.0, "status": "unanswered"}
    assert q["stappen"] == {"score": 2.0, "max": 2.0, "status": "graded"}
    assert q["motivering"]["status"] == "manual" and q["motivering"]["score"] is None
    assert q["motivering"]["suggestion"] == {"zwijgrecht": 2, "afweging": 2, "kader": 1}
    assert set(q) == {"reactie", "welke-regels", "herstel", "stappen", "verplicht", "motivering"}


def test_score_branch_klacht_and_default_path(example, tmp_path):
    report = run_score(example, answers_file(tmp_path, {"reactie": "a", "herstel": "a", "stappen": ["wie", "wet", "overleg", "noteren"]}))
    assert report["questions"]["herstel"]["score"] == 2.0
    assert report["questions"]["stappen"]["status"] == "unanswered"   # overleg is off this path
    # unanswered branching question: the following stage (klacht) applies
    report = run_score(example, answers_file(tmp_path, {"herstel": "a"}))
    assert report["questions"]["herstel"]["score"] == 2.0
    # invalid branching answer: also the default route, and reported invalid
    report = run_score(example, answers_file(tmp_path, {"reactie": "zz", "herstel": "a"}))
    assert report["questions"]["reactie"]["status"] == "invalid"
    assert report["questions"]["herstel"]["score"] == 2.0


@pytest.mark.parametrize("content", [
    "{not json", "[]", json.dumps({"format": "casuslab/answers-v1", "scenario": "other", "answers": {}}),
    json.dumps({"format": "casuslab/answers-v1", "scenario": "politie-aan-de-lijn", "answers": []}),
    "\udcff",
    "[" * 100_000 + "]" * 100_000,  # nested deeper than the JSON parser's recursion limit
])
def test_unreadable_answers_make_every_question_invalid(example, tmp_path, content):
    path = tmp_path / "bad.answers.json"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    report = run_score(example, path)
    assert report["error"]
    assert report["total"] == 0.0
    assert {q["status"] for q in report["questions"].values()} == {"invalid"}


def test_missing_answers_file(example, tmp_path):
    """A missing file is a typo, not an empty submission: the report, a Dutch error and exit 2 (not 0)."""
    missing = tmp_path / "nope.json"
    proc = subprocess.run([sys.executable, "-m", "casuslab.cli", "score", str(example), str(missing), "--json"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and f"{missing}: het antwoordbestand bestaat niet" in proc.stderr
    assert "Traceback" not in proc.stderr
    report = json.loads(proc.stdout)
    assert "error" in report and len(report["questions"]) == 6


def test_a_fifo_is_unreadable_not_a_hang(tmp_path):
    from casuslab.scoring import read_answers

    fifo = tmp_path / "answers.json"
    os.mkfifo(fifo)
    code = f"from casuslab.scoring import read_answers; print(read_answers({str(fifo)!r})[1])"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "cannot read the answers file: not a regular file"
    assert read_answers(tmp_path)[1] == "cannot read the answers file: not a regular file"   # a folder


def test_unknown_answer_ids_are_ignored(example, tmp_path):
    report = run_score(example, answers_file(tmp_path, {"reactie": "b", "bestaat-niet": 3}))
    assert report["questions"]["reactie"]["score"] == 2.0
    assert "bestaat-niet" not in report["questions"]
