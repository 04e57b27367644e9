"""Acceptance review of issue 9 (items 1-13): inputs the first fixes' tests did not try."""

from __future__ import annotations

import json

import pytest

from casuslab.student.answers import AnswersStore


# -- item 10: a tampered saved_at never blocks saving ------------------------------------------------


@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00", "0001-01-01T05:00:00", "9999-12-31T23:59:59-14:00",
                                   "0001-01-01T00:00:00+14:00"])
def test_a_stamp_at_the_edge_of_the_calendar_does_not_stop_saving(tmp_path, stamp):
    path = tmp_path / "x.answers.json"
    path.write_text(json.dumps({"format": "casuslab/answers-v1", "scenario": "x", "submitted_stages": [],
                                "answers": {"a": "oud", "b": "oud"}, "saved_at": {"a": stamp, "b": stamp}}),
                    encoding="utf-8")
    store = AnswersStore(tmp_path, "x")
    store.load()
    assert store.set("b", "nieuw") is not None
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["answers"] == {"a": "oud", "b": "nieuw"}


# -- item 7: timestamp.txt's text and file time set back together ----------------------------------


@pytest.fixture(scope="module")
def graded_template(tmp_path_factory):
    import gradekit as kit

    return kit.late_zero_course(tmp_path_factory.mktemp("review1"))  # late work scores 0


@pytest.mark.nbgrader
def test_timestamp_set_back_with_its_file_time_does_not_dodge_the_penalty(graded_template, tmp_path):
    import datetime as dt
    import os

    import gradekit as kit
    from casuslab.grade.course import open_course
    from casuslab.grade.fast import grade_assignment

    utc = dt.timezone.utc
    course = kit.copy_course(graded_template, tmp_path / "c")
    kit.cohort(course, [("correct", None), ("correct", None)])
    late = dt.datetime(2026, 12, 2, 9, 0, tzinfo=utc)            # the answers were saved a day late ...
    claimed = dt.datetime(2026, 11, 30, 8, 0, tzinfo=utc)        # ... timestamp.txt and its mtime say otherwise
    for student, others, stamp in (("st0", late, claimed),
                                   ("st1", claimed - dt.timedelta(minutes=5), claimed)):  # st1: honest
        folder = course / "submitted" / student / kit.ASSIGNMENT
        (folder / "timestamp.txt").write_text(f"{claimed:%Y-%m-%d %H:%M:%S}.000000 UTC", encoding="utf-8")
        for path in folder.iterdir():
            when = stamp if path.name == "timestamp.txt" else others
            os.utime(path, (when.timestamp(), when.timestamp()))

    run = grade_assignment(open_course(course), kit.ASSIGNMENT)
    state = kit.gradebook_state(course)
    assert state[("st0", "timestamp")] == late.replace(tzinfo=None)
    assert state[("st0", kit.SID, "penalty")] == 8.0
    [problem] = [p for p in run.problems if p.student == "st0"]
    assert problem.error and "timestamp.txt" in problem.what and "indientijdstip" in problem.what
    assert state[("st1", "timestamp")] == claimed.replace(tzinfo=None)
    assert state[("st1", kit.SID, "penalty")] is None and not [p for p in run.problems if p.student == "st1"]


# -- item 12: nbgrader's own feedback (names, grades, every answer) of any course folder -------------


@pytest.mark.parametrize("path", ["mijncursus/feedback/st0/toets/politie-aan-de-lijn.html",
                                  "cursussen/ethiek/gradebook.db"])
def test_nbgrader_feedback_and_nested_gradebooks_are_git_ignored(path):
    import shutil
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    if shutil.which("git") is None or not (root / ".git").exists():
        pytest.skip("not a git work tree")
    done = subprocess.run(["git", "-C", str(root), "check-ignore", "-q", "--no-index", path])
    assert done.returncode == 0, path


# -- item 13: casuslab score on a link to a file that is not there ----------------------------------


def test_score_fails_on_a_link_to_a_missing_answers_file(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    scenario = Path(__file__).resolve().parent / "data" / "politie-aan-de-lijn.yaml"
    link = tmp_path / "antwoorden.json"
    link.symlink_to(tmp_path / "weg" / "antwoorden.json")
    done = subprocess.run([sys.executable, "-m", "casuslab.cli", "score", str(scenario), str(link)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "bestaat niet" in done.stderr and "Traceback" not in done.stderr


# -- item 9: the limit reached by submitting a stage (not by typing) --------------------------------


def test_submitting_a_stage_that_would_pass_the_limit_shows_the_size_message(tmp_path):
    import test_student_robust as robust
    from casuslab.scenario.load import load_scenario
    from casuslab.scenario.spec import to_spec

    spec = to_spec(load_scenario(robust.DATA / f"{robust.SID}.yaml").model)
    case = robust.opened(tmp_path, spec)
    last = robust._to_the_last_stage(case)
    text = last.questions[1]
    text.text.value = "x"
    case.flush()
    size = len(robust.answers_path(tmp_path).read_bytes())
    text.text.value = "x" * (robust.LIMIT - size - 4)   # saved, a few bytes under the limit
    case.flush()
    assert robust.on_disk(tmp_path)["answers"]["motivering"] == text.text.value
    case.submit(last)                                     # "dagvaarding" in submitted_stages would not fit
    assert last.state == "open" and "dagvaarding" not in robust.on_disk(tmp_path)["submitted_stages"]
    assert "te lang" in case.save_status.value and "1 MB" in case.save_status.value
    assert "answers file would be" not in case.save_status.value   # no English reason in the Dutch line
    text.text.value = "Ik beroep me op mijn zwijgrecht."
    case.flush()
    case.submit(last)
    assert robust.on_disk(tmp_path)["submitted_stages"][-1] == "dagvaarding"


# -- item 1: the installed package's key check sees every way YAML and JSON write a key -----------


@pytest.mark.parametrize("name, text", [
    ("flow.yaml", "options: [{id: a, text: Ja, correct: true}, {id: b, text: Nee}]\n"),
    ("capital.yaml", "options:\n  - id: a\n    correct: True\n"),
    ("yes.yml", "- {id: a, correct: yes}\n"),
    ("spaced.json", '{"options": [{"id": "a", "correct" : true}]}'),
    ("flow-model.yaml", "questions: [{id: q, model_answer: Ik zwijg.}]\n"),
])
def test_the_package_key_check_finds_flow_yaml_and_spaced_json(tmp_path, name, text):
    from casuslab.hub import lockdown

    (tmp_path / "schema.json").write_text('{"properties": {"correct": {"type": "boolean"}, '
                                          '"model_answer": {"type": "string"}}}', encoding="utf-8")
    (tmp_path / "notes.yaml").write_text("correct: false\nmodel_answer: null\n", encoding="utf-8")
    (tmp_path / name).write_text(text, encoding="utf-8")
    assert lockdown.answer_keys_in(tmp_path) == [str(tmp_path / name)]
