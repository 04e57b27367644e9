"""Grading correctness (issue 9: 2, 7, 8, 11, 12, 13; issue 10: not reached): what a student can put in
their submission folder never reaches the lecturer as HTML, never dodges the late penalty, never grades
someone else's work; every lecturer output reads one SubmissionResult. Real gradebook, real nbgrader
generate_assignment (module fixture), casuslab's grader in-process."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal

import pytest

import gradekit as kit
from casuslab.grade.course import open_course
from casuslab.grade.fast import grade_assignment

pytestmark = pytest.mark.nbgrader

NOTEBOOK = f"{kit.SID}.ipynb"
UTC = dt.timezone.utc


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return kit.late_zero_course(tmp_path_factory.mktemp("safety"))  # late work scores 0


def _course(template, tmp_path, members):
    course = kit.copy_course(template, tmp_path / "c")
    kit.cohort(course, members)
    return course


def _folder(course, student):
    return course / "submitted" / student / kit.ASSIGNMENT


def _set_times(folder, others: dt.datetime, stamp: dt.datetime) -> None:
    for path in folder.iterdir():
        when = stamp if path.name == "timestamp.txt" else others
        os.utime(path, (when.timestamp(), when.timestamp()))


def _grade(course):
    return grade_assignment(open_course(course), kit.ASSIGNMENT)


def _problems(run, student):
    return [(p.what, p.outcome, p.error) for p in run.problems if p.student == student]


# -- item 2: student cells in formgrader ---------------------------------------------------------


def test_student_markdown_and_changed_cell_types_never_reach_formgrader(template, tmp_path):
    course = _course(template, tmp_path, [("correct", None)])
    path = _folder(course, "st0") / NOTEBOOK
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"].insert(1, {"cell_type": "markdown", "id": "evil", "metadata": {},
                           "source": "<img src=x onerror=alert(1)> [x](javascript:alert(2))"})
    nb["cells"].insert(2, {"cell_type": "raw", "id": "evil2", "metadata": {"format": "text/html"},
                           "source": "<script>alert(3)</script>"})
    duplicates = []
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") in ("q-reactie", "intro"):
            cell.update(cell_type="markdown", source="<svg onload=alert(4)>")
            cell.pop("outputs", None), cell.pop("execution_count", None)
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "q-stappen":
            duplicates.append(json.loads(json.dumps(cell)) | {"id": "dup", "source": "<b>dup</b>"})
    nb["cells"] += duplicates
    nb["metadata"]["title"] = "<script>alert(5)</script>"
    path.write_text(json.dumps(nb), encoding="utf-8")

    run = _grade(course)
    graded = course / "autograded" / "st0" / kit.ASSIGNMENT / NOTEBOOK
    text = graded.read_text(encoding="utf-8")
    for raw in ("onerror", "javascript:", "<script>", "onload", "<b>dup</b>"):
        assert raw not in text, raw
    cells = json.loads(text)["cells"]
    released = json.loads((course / "release" / kit.ASSIGNMENT / NOTEBOOK).read_text(encoding="utf-8"))["cells"]
    name = lambda c: c["metadata"]["nbgrader"]["grade_id"]  # noqa: E731
    assert [(name(c), c["cell_type"]) for c in cells] == [(name(c), c["cell_type"]) for c in released]
    assert kit.gradebook_state(course)[("st0", kit.SID, "q-reactie")][0] == 2.0     # restored, and graded
    assert any("3 cel(len)" in what for what, _, _ in _problems(run, "st0"))

    from test_grade_reports import _formgrader_html  # formgrader's own exporter and template

    html = _formgrader_html(course, "st0")
    assert "onerror" not in html and "alert(" not in html


# -- item 7: the late penalty cannot be dodged ----------------------------------------------------


def test_timestamp_edited_after_submitting_does_not_dodge_the_penalty(template, tmp_path):
    course = _course(template, tmp_path, [("correct", None), ("correct", None)])
    submitted = dt.datetime(2026, 12, 2, 9, 0, tzinfo=UTC)          # a day late ...
    edited = dt.datetime(2026, 12, 2, 9, 30, tzinfo=UTC)
    (_folder(course, "st0") / "timestamp.txt").write_text("2026-11-30 08:00:00.000000 UTC", encoding="utf-8")
    _set_times(_folder(course, "st0"), others=submitted, stamp=edited)  # ... but claims to be early
    copied = dt.datetime(2026, 12, 3, 12, 0, tzinfo=UTC)          # st1: a whole folder copied later
    _set_times(_folder(course, "st1"), others=copied, stamp=copied)

    run = _grade(course)
    state = kit.gradebook_state(course)
    assert state[("st0", "timestamp")] == edited.replace(tzinfo=None)
    assert state[("st0", kit.SID, "penalty")] == 8.0                           # zero: all 8 points
    [(what, _, error)] = _problems(run, "st0")
    assert "timestamp.txt werd gewijzigd na het indienen" in what and error
    assert state[("st1", "timestamp")] == dt.datetime(2026, 12, 1, 9, 0)     # the text, as nbgrader reads it
    assert state[("st1", kit.SID, "penalty")] is None and not _problems(run, "st1")


@pytest.mark.parametrize("breakage", ["unreadable", "empty", "missing"])
def test_unreadable_timestamp_is_an_error_and_the_file_time_counts(template, tmp_path, breakage):
    course = _course(template, tmp_path, [("correct", None)])
    folder = _folder(course, "st0")
    stamp = folder / "timestamp.txt"
    if breakage == "missing":
        stamp.unlink()
    else:
        stamp.write_text("gisteren rond middernacht" if breakage == "unreadable" else "", encoding="utf-8")
    late = dt.datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    _set_times(folder, others=late, stamp=late - dt.timedelta(hours=1))

    run = _grade(course)
    state = kit.gradebook_state(course)
    assert state[("st0", "timestamp")] == late.replace(tzinfo=None)          # the newest file
    assert state[("st0", kit.SID, "penalty")] == 8.0
    [(what, outcome, error)] = _problems(run, "st0")
    assert error and "timestamp.txt" in what and "indientijdstip" in what and "controleer" in outcome


# -- item 13: folders that are not (only) the student's own -----------------------------------------


def test_symlinked_and_control_character_folders_are_refused_and_feedback_goes_on(template, tmp_path):
    course = _course(template, tmp_path, [("correct", None), ("wrong", None)])
    (course / "submitted" / "alias").symlink_to("st0")                       # would be st0's work
    (course / "submitted" / "ander").mkdir()
    (course / "submitted" / "ander" / kit.ASSIGNMENT).symlink_to(_folder(course, "st1"))
    shutil.copytree(_folder(course, "st1"), course / "submitted" / "nieuw\nregel" / kit.ASSIGNMENT)

    done = kit.casuslab("grade", kit.ASSIGNMENT, "--course", str(course), cwd=course)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 van 2 inzending(en)" in done.stdout
    assert "symbolische koppeling" in done.stdout and "nieuw\\nregel" in done.stdout
    students = {k[0] for k in kit.gradebook_state(course)}
    assert students == {"st0", "st1"}

    done = kit.casuslab("feedback", kit.ASSIGNMENT, "--course", str(course), cwd=course)
    assert done.returncode == 0, done.stdout + done.stderr
    for student in ("st0", "st1"):
        assert (course / "feedback_casuslab" / student / kit.ASSIGNMENT / f"{kit.SID}.html").is_file()
        assert (course / "feedback" / student / kit.ASSIGNMENT / f"{kit.SID}.html").is_file()


# -- item 11 + issue 10: one result for feedback and CSV ---------------------------------------------


def test_feedback_and_csv_agree_on_penalty_and_mark_off_path_questions(template, tmp_path):
    from nbgrader.api import Gradebook

    from casuslab.grade.export import export_rows
    from casuslab.grade.feedback import write_feedback
    from casuslab.grade.plan import load_plan

    course = _course(template, tmp_path, [("correct", None), ("wrong", None)])
    _grade(course)
    kit.set_manual(course, "st0", "task-motivering", 5)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", kit.COURSE_ID) as gb:
        gb.find_submission_notebook(kit.SID, kit.ASSIGNMENT, "st0").late_submission_penalty = 2.75
        gb.find_grade("q-reactie", kit.SID, kit.ASSIGNMENT, "st0").extra_credit = 0.5
        gb.db.commit()
    handle = open_course(course)
    write_feedback(handle, kit.ASSIGNMENT)
    page = (course / "feedback_casuslab" / "st0" / kit.ASSIGNMENT / f"{kit.SID}.html").read_text(encoding="utf-8")
    assert "Resultaat: 10,75 van 13 punten (83 %)" in page and "2,75 punt(en) aftrek" in page
    assert "niet bereikt" in page

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", kit.COURSE_ID) as gb:
        rows = export_rows(gb, kit.ASSIGNMENT, load_plan(gb, kit.ASSIGNMENT, course / "source" / kit.ASSIGNMENT),
                           handle)
        bare = export_rows(gb, kit.ASSIGNMENT, load_plan(gb, kit.ASSIGNMENT, course / "source" / kit.ASSIGNMENT))
    plain = {row[0]: dict(zip(bare[0], row)) for row in bare[1:]}         # no course: the gradebook alone
    assert plain["st0"][f"{kit.SID}/herstel"] == "0" and plain["st0"]["totaal"] == "10,75"
    assert plain["st1"][f"{kit.SID}/motivering"] == "" and plain["st1"]["nog te beoordelen"] == "1"
    table = {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}
    assert table["st0"]["totaal"] == "10,75" and table["st0"]["aftrek te laat"] == "2,75"
    assert table["st0"]["op 20"] == "16,5" and table["st0"][f"{kit.SID}/reactie"] == "2,5"
    assert table["st0"][f"{kit.SID}/herstel"] == "niet bereikt"
    assert table["st1"][f"{kit.SID}/stappen"] == "niet bereikt" and table["st1"][f"{kit.SID}/herstel"] == "0"

    from casuslab.grade.result import load_results

    [st0, st1] = load_results(handle, kit.ASSIGNMENT)
    assert (st0.raw_total, st0.late_penalty, st0.total, st0.path_max) == (Decimal("13.5"), Decimal("2.75"),
                                                                          Decimal("10.75"), Decimal(13))
    assert st0.on_twenty(1) == Decimal("16.5") and st0.question(kit.SID, "herstel").status == "not_reached"
    assert st1.question(kit.SID, "stappen").status == "not_reached" and st1.pending == 1

    # contract §4: `casuslab score --json` keeps reporting off-path questions unanswered with 0
    answers = _folder(course, "st0") / f"{kit.SID}.answers.json"
    done = kit.casuslab("score", str(kit.DATA / f"{kit.SID}.yaml"), str(answers), "--json", cwd=tmp_path)
    assert json.loads(done.stdout)["questions"]["herstel"] == {"score": 0.0, "max": 2.0, "status": "unanswered"}


def test_amounts_are_rounded_half_up_exactly():
    from casuslab.grade.export import number
    from casuslab.grade.html import points

    assert number(10.25, 1) == "10,3" and number(1.005) == "1,01" and number(2.5, 0) == "3"
    assert points(2.675) == "2,68" and points(None) == "-" and points(2.0) == "2"
    from casuslab.grade.result import QuestionResult, SubmissionResult, format_points, to_decimal

    assert format_points(Decimal("10.25")) == "10,25" and format_points(Decimal("2.50")) == "2,5"
    assert to_decimal(-1.005, 2) == Decimal("-1.01")
    question = QuestionResult("nb", "nb", "q", "closed", "graded", Decimal("10.25"), Decimal(20))
    result = SubmissionResult("s", "a", True, (question,), Decimal(20))
    assert result.on_twenty(1) == Decimal("10.3") and result.percent(1) == Decimal("51.3")
    late = SubmissionResult("s", "a", True, (question,), Decimal(20), late_penalty=Decimal(11))
    assert late.total == 0 and late.on_twenty() == Decimal("0.00")


# -- item 8: nbgrader's own export ----------------------------------------------------------------


def test_nbgrader_export_csv_is_guarded(template, tmp_path):
    from nbgrader.api import Gradebook

    course = _course(template, tmp_path, [("correct", None)])
    _grade(course)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", kit.COURSE_ID) as gb:
        gb.update_or_create_student("st0", first_name="=HYPERLINK(\"http://x\")", last_name="@SUM(1)",
                                    email="+32 2 123")
    done = kit.casuslab("export", kit.ASSIGNMENT, "--course", str(course), cwd=course)
    assert done.returncode == 0, done.stdout + done.stderr
    reports = course / "reports" / kit.ASSIGNMENT
    rows = list(csv.DictReader(io.StringIO((reports / "nbgrader-export.csv").read_text(encoding="utf-8"))))
    assert rows[0]["first_name"] == "'=HYPERLINK(\"http://x\")" and rows[0]["last_name"] == "'@SUM(1)"
    assert rows[0]["email"] == "'+32 2 123" and rows[0]["raw_score"] == "8.0"      # numbers stay numbers
    assert sorted(p.name for p in reports.iterdir()) == ["nbgrader-export.csv", f"punten-{kit.ASSIGNMENT}.csv"]


# -- item 12: student data stays out of git -------------------------------------------------------


@pytest.mark.parametrize("path", ["course/reports/toets/punten-toets.csv", "course/reports/toets/rubric-sheet.html",
                                  "course/feedback_casuslab/st0/toets/politie-aan-de-lijn.html",
                                  "mijncursus/reports/toets/punten-toets.csv", "mijncursus/gradebook.db",
                                  "mijncursus/submitted/st0/toets/politie-aan-de-lijn.answers.json",
                                  "mijncursus/feedback_casuslab/st0/toets/politie-aan-de-lijn.html"])
def test_reports_and_feedback_are_git_ignored(path):
    if shutil.which("git") is None or not (kit.ROOT / ".git").exists():
        pytest.skip("not a git work tree")
    done = subprocess.run(["git", "-C", str(kit.ROOT), "check-ignore", "-q", "--no-index", path])
    assert done.returncode == 0, path


# -- item 13: casuslab score ------------------------------------------------------------------------


def test_score_does_not_hang_on_a_fifo_and_fails_on_a_missing_file(tmp_path):
    scenario = str(kit.DATA / f"{kit.SID}.yaml")
    fifo = tmp_path / "antwoorden.json"
    os.mkfifo(fifo)
    done = subprocess.run([sys.executable, "-m", "casuslab.cli", "score", scenario, str(fifo), "--json"],
                          capture_output=True, text=True, timeout=60, env=kit.env())
    report = json.loads(done.stdout)
    assert done.returncode == 0 and "not a regular file" in report["error"]
    assert {q["status"] for q in report["questions"].values()} == {"invalid"}

    missing = tmp_path / "weg.json"
    done = subprocess.run([sys.executable, "-m", "casuslab.cli", "score", scenario, str(missing)],
                          capture_output=True, text=True, timeout=60, env=kit.env())
    assert done.returncode != 0 and "het antwoordbestand bestaat niet" in done.stderr
    assert str(missing) in done.stderr and "Traceback" not in done.stderr + done.stdout


def test_a_missing_notebook_scores_zero_and_awaits_nobody(tmp_path):
    """nbgrader gives every cell of a missing notebook 0 without manual grading: not 'nog te beoordelen'."""
    from casuslab.grade.result import load_results

    course = kit.assigned_course(tmp_path, second=True)
    kit.cohort(course, [("correct", "missing-notebook")], sids=(kit.SID, kit.SECOND))
    _grade(course)
    [result] = load_results(open_course(course), kit.ASSIGNMENT)
    missing = [q for q in result.questions if q.notebook == kit.SID]
    assert {(q.status, q.score) for q in missing if q.qid != "herstel"} == {("graded", Decimal(0))}
    assert result.question(kit.SECOND, "motivering").status == "manual" and result.pending == 1
    assert result.raw_total == Decimal(8) and result.path_max == Decimal(26)


def test_feedback_pages_are_written_even_when_nbgrader_feedback_fails(template, tmp_path):
    """A folder left in autograded/ by an older run (a name with a newline) breaks nbgrader's
    generate_feedback for everyone: casuslab still writes every page and says what failed."""
    course = _course(template, tmp_path, [("correct", None), ("wrong", None)])
    _grade(course)
    shutil.copytree(course / "autograded" / "st1", course / "autograded" / "oud\nnaam")
    done = kit.casuslab("feedback", kit.ASSIGNMENT, "--course", str(course), cwd=course)
    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr
    assert "Let op: nbgrader generate_feedback" in done.stderr and "2 feedbackpagina('s)" in done.stdout
    for student in ("st0", "st1"):
        assert (course / "feedback_casuslab" / student / kit.ASSIGNMENT / f"{kit.SID}.html").is_file()
