"""casuslab grade against the real nbgrader: parity with `nbgrader autograde`, broken submissions,
manual scores kept across a regrade after a key fix. Real commands, real gradebook, no mocks."""

from __future__ import annotations

import re
import shutil

import pytest

import gradekit as kit

pytestmark = pytest.mark.nbgrader


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A course with the contract example, assigned by the real `casuslab assign` (generate_assignment)."""
    base = tmp_path_factory.mktemp("template")
    kit.assigned_course(base)
    return base


PARITY_COHORT = [
    ("correct", None),
    ("wrong", None),              # the other branch
    ("partial", None),
    ("empty", None),              # a file with no answers
    ("invalid", None),            # every answer malformed
    ("correct", "corrupt"),       # not JSON
    ("correct", "missing-notebook"),  # no notebook at all: autograde records nothing
    ("random", "no-answers"),     # the notebook without an answers file
]


def test_parity_with_nbgrader_autograde(template, tmp_path):
    a = kit.copy_course(template, tmp_path / "a")
    b = kit.copy_course(template, tmp_path / "b")
    for course in (a, b):  # late work scores 0: nbgrader's LateSubmissionPlugin, configured
        with (course / "nbgrader_config.py").open("a", encoding="utf-8") as fh:
            fh.write('c.LateSubmissionPlugin.penalty_method = "zero"\n')
    students = kit.cohort(a, PARITY_COHORT, late=(1, 2))
    assert kit.cohort(b, PARITY_COHORT, late=(1, 2)) == students

    done = kit.nbgrader("autograde", kit.ASSIGNMENT, cwd=a)
    assert done.returncode == 0, done.stderr[-3000:]
    done = kit.casuslab("grade", kit.ASSIGNMENT, "--course", str(b), cwd=b)
    assert done.returncode == 0, done.stdout + done.stderr

    want, got = kit.gradebook_state(a), kit.gradebook_state(b)
    assert got == want
    # the cohort really spans the outcomes
    closed = {s: sum(v[0] or 0 for k, v in want.items() if len(k) == 3 and k[0] == s and k[2].startswith("q-"))
              for s in students}
    assert closed["st0"] == 8.0 and closed["st3"] == 0.0 and 0 < closed["st2"] < 8
    assert ("st6", "timestamp") not in want                                       # no notebook, no submission
    assert want[("st2", kit.SID, "penalty")] > 0 and want[("st0", kit.SID, "penalty")] is None   # late, on time
    assert want[("st0", kit.SID, "task-motivering")] == (None, None, True)        # an answered open question waits
    # autograde itself prints plain messages for broken files and scores them 0
    assert "beschadigd" in kit.grading_outputs(a, "st5")["q-reactie"][0]
    assert "geen antwoordbestand" in kit.grading_outputs(a, "st7")["q-reactie"][0]
    assert "Antwoord: b." in kit.grading_outputs(a, "st0")["q-reactie"][0]
    # formgrader shows the same printed outputs
    for student in students:
        if student == "st6":
            continue
        assert kit.grading_outputs(b, student) == kit.grading_outputs(a, student), student


def test_broken_submissions_do_not_stop_the_cohort(template, tmp_path):
    course = kit.copy_course(template, tmp_path / "c")
    kit.cohort(course, [
        ("correct", None),
        ("correct", "bad-timestamp"),      # crashes nbgrader 0.9.6's autograde
        ("correct", "huge"),               # a 10 MB answers file
        ("correct", "unexpected-files"),
        ("correct", "other-scenario"),
        ("correct", "script"),
    ])
    empty = course / "submitted" / "st6" / kit.ASSIGNMENT
    empty.mkdir(parents=True)                                   # nothing at all in the folder
    (course / "submitted" / "losse-file").write_text("x")       # not a student folder

    crashed = kit.nbgrader("autograde", kit.ASSIGNMENT, "--student=st1", cwd=course)
    assert crashed.returncode != 0 and "no attribute 'fail'" in crashed.stdout + crashed.stderr

    done = kit.casuslab("grade", kit.ASSIGNMENT, "--course", str(course), cwd=course)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "Traceback" not in out
    assert "6 van 7 inzending(en)" in out
    flat = re.sub(r"[│┃|\s]+", " ", out)
    for expected in ("onleesbaar tijdstip", "te groot", "onverwachte bestanden", "notities.docx",
                     "andere casus", "geen enkel notebook"):
        assert expected in flat, expected

    state = kit.gradebook_state(course)
    q = lambda s, cell: state[(s, kit.SID, cell)][0]  # noqa: E731
    assert q("st0", "q-reactie") == 2.0
    assert q("st1", "q-reactie") == 2.0                                           # graded, and its time is
    assert state[("st1", "timestamp")] is not None and "FOUT: onleesbaar tijdstip" in flat   # the file's (an error)
    assert q("st3", "q-reactie") == 2.0                                           # extra files ignored
    for student in ("st2", "st4"):
        assert q(student, "q-reactie") == 0.0
    assert ("st6", "timestamp") not in state
    assert "te groot" in kit.grading_outputs(course, "st2")["q-reactie"][0]
    assert not (course / "autograded" / "st3" / kit.ASSIGNMENT / "notities.docx").exists()
    # nbgrader's own feedback still works on casuslab's autograded notebooks
    done = kit.nbgrader("generate_feedback", kit.ASSIGNMENT, "--force", cwd=course)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (course / "feedback" / "st1" / kit.ASSIGNMENT / f"{kit.SID}.html").is_file()


def test_missing_one_of_two_notebooks(tmp_path):
    """With two notebooks, a missing one scores 0 on every cell (no manual grading): as autograde does."""
    a = kit.assigned_course(tmp_path / "a", second=True)
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    b = tmp_path / "b" / "course"
    sids = (kit.SID, kit.SECOND)
    for course in (a, b):
        kit.cohort(course, [("correct", None), ("correct", "missing-notebook")], sids=sids)
    assert kit.nbgrader("autograde", kit.ASSIGNMENT, cwd=a).returncode == 0
    done = kit.casuslab("grade", kit.ASSIGNMENT, "--course", str(b), cwd=b)
    assert done.returncode == 0 and "notebook ontbreekt" in done.stdout
    want, got = kit.gradebook_state(a), kit.gradebook_state(b)
    assert got == want
    assert want[("st1", kit.SID, "task-motivering")] == (0.0, None, False)
    assert want[("st1", kit.SECOND, "q-reactie")] == (2.0, None, False)
    assert kit.grading_outputs(b, "st1", kit.SECOND) == kit.grading_outputs(a, "st1", kit.SECOND)


def test_regrade_after_key_fix_keeps_manual_scores(template, tmp_path):
    base = tmp_path / "d"
    course = kit.copy_course(template, base)
    kit.cohort(course, [("correct", None), ("correct", None)])
    kit.write_answers(course, "st1", {"reactie": "c", "motivering": "Ze heeft zwijgrecht als getuige."})
    assert kit.casuslab("grade", kit.ASSIGNMENT, "--course", str(course), cwd=base).returncode == 0
    assert kit.gradebook_state(course)[("st1", kit.SID, "q-reactie")] == (0.0, None, False)

    kit.set_manual(course, "st0", "task-motivering", 4, "zwijgrecht=2; afweging=1; kader=1")
    kit.set_manual(course, "st0", "q-verplicht", 0.5)              # the lecturer overrides an auto score

    scenario = base / "scenarios" / "beroepsgeheim" / f"{kit.SID}.yaml"
    text = scenario.read_text(encoding="utf-8")
    text = text.replace("          - id: b\n            correct: true\n", "          - id: b\n", 1)
    text = text.replace("          - id: c\n            text: Ze bevestigt alleen", "          - id: c\n"
                        "            correct: true\n            text: Ze bevestigt alleen", 1)
    scenario.write_text(text, encoding="utf-8")
    done = kit.casuslab("assign", kit.ASSIGNMENT, "--course", str(course), cwd=base)
    assert done.returncode == 0, done.stdout + done.stderr
    done = kit.casuslab("grade", kit.ASSIGNMENT, "--course", str(course), cwd=base)
    assert done.returncode == 0, done.stdout + done.stderr

    state = kit.gradebook_state(course)
    assert state[("st0", kit.SID, "q-reactie")][0] == 0.0          # b is no longer right
    assert state[("st1", kit.SID, "q-reactie")][0] == 2.0          # c is
    assert state[("st0", kit.SID, "task-motivering")] == (None, 4.0, False)
    assert state[("st0", kit.SID, "task-motivering", "comment")][1] == "zwijgrecht=2; afweging=1; kader=1"
    assert state[("st0", kit.SID, "q-verplicht")] == (1.0, 0.5, True)   # kept, flagged for review as nbgrader does
    shutil.rmtree(course / "autograded")
