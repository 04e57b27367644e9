"""Every report escapes student text (rubric sheet, casuslab feedback, nbgrader feedback, formgrader,
CSV), the Flemish-Excel export, and nbgrader's own generate_feedback and export after casuslab grade."""

from __future__ import annotations

import csv
import io

import pytest

import gradekit as kit
from casuslab.grade.export import number, safe_text, to_csv

STUDENT_RAW = ['<script>alert("xss")</script>', "<b onmouseover"]        # from simulate.SCRIPT
LECTURER_RAW = ["<img src=x onerror", "<i>lector</i>"]                   # in a formgrader comment
FORMULA = "=1+1"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A course with a hostile cohort, graded, manually scored, feedback generated, exported."""
    base = tmp_path_factory.mktemp("reports")
    course = kit.assigned_course(base)
    kit.cohort(course, [("correct", "script"), ("wrong", None)])
    from casuslab.grade.simulate import make_submission

    import random

    make_submission(course, FORMULA, kit.ASSIGNMENT, [kit.spec()], "partial", random.Random(7), "script")
    assert kit.casuslab("grade", kit.ASSIGNMENT, "--course", str(course), cwd=base).returncode == 0

    kit.set_manual(course, "st0", "task-motivering", 5,
                   "zwijgrecht=2; afweging=2; kader=1\n@bronnen Goed gedaan. <img src=x onerror=alert(2)> <i>lector</i>")
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", kit.COURSE_ID) as gb:
        gb.update_or_create_student(FORMULA, first_name="@SUM(1+1)", last_name="<b>Jansens</b>")
    for command in ("feedback", "export"):
        done = kit.casuslab(command, kit.ASSIGNMENT, "--course", str(course), cwd=base)
        assert done.returncode == 0, done.stdout + done.stderr
    return course


def _html_reports(course):
    reports = {"rubric sheet": (course / "reports" / kit.ASSIGNMENT / "rubric-sheet.html").read_text(encoding="utf-8")}
    for student in ("st0", FORMULA):
        reports[f"casuslab feedback {student}"] = (
            course / "feedback_casuslab" / student / kit.ASSIGNMENT / f"{kit.SID}.html").read_text(encoding="utf-8")
        reports[f"nbgrader feedback {student}"] = (
            course / "feedback" / student / kit.ASSIGNMENT / f"{kit.SID}.html").read_text(encoding="utf-8")
        reports[f"formgrader {student}"] = _formgrader_html(course, student)
    return reports


def _formgrader_html(course, student):
    """The submission page as formgrader renders it (its exporter and its template)."""
    from nbconvert.exporters import HTMLExporter
    from nbgrader.server_extensions.formgrader import handlers
    from traitlets.config import Config

    config = Config()
    config.HTMLExporter.template_name = "formgrade"
    config.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    resources = {"assignment_id": kit.ASSIGNMENT, "notebook_id": kit.SID, "submission_id": "x", "index": 0,
                 "total": 1, "base_url": "", "student": student, "last_name": None, "first_name": None,
                 "notebook_path": "x"}
    path = course / "autograded" / student / kit.ASSIGNMENT / f"{kit.SID}.ipynb"
    html, _ = HTMLExporter(config=config).from_filename(str(path), resources=resources)
    return html


pytestmark = pytest.mark.nbgrader


def test_every_html_report_escapes_student_and_lecturer_text(graded):
    reports = _html_reports(graded)
    for name, html in reports.items():
        for raw in STUDENT_RAW:
            assert raw not in html, f"{name} contains raw {raw!r}"
        if not name.startswith("nbgrader feedback"):  # nbgrader renders a lecturer's comment as Markdown with HTML
            for raw in LECTURER_RAW:
                assert raw not in html, f"{name} contains raw {raw!r}"
    for name in ("rubric sheet", "casuslab feedback st0", "formgrader st0", "nbgrader feedback st0"):
        assert "&lt;script&gt;alert(" in reports[name], name            # the student's text is there, escaped
    assert "&lt;img src=x onerror" in reports["casuslab feedback st0"]   # so is the lecturer's comment


def test_csv_is_for_flemish_excel_and_guards_formulas(graded):
    raw = (graded / "reports" / kit.ASSIGNMENT / f"punten-{kit.ASSIGNMENT}.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    assert header[:4] == ["student", "familienaam", "voornaam", "ingediend"]
    assert header[-5:] == ["nog te beoordelen", "totaal", "maximum", "percentage", "op 20"]
    by_student = {row[0]: dict(zip(header, row)) for row in rows[1:]}
    hostile = by_student["'" + FORMULA]
    assert hostile["voornaam"] == "'@SUM(1+1)" and hostile["familienaam"] == "<b>Jansens</b>"
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell
    st0 = by_student["st0"]
    assert st0[f"{kit.SID}/reactie"] == "2" and st0[f"{kit.SID}/motivering"] == "5"
    assert st0["totaal"] == "13" and st0["maximum"] == "13" and st0["percentage"] == "100" and st0["op 20"] == "20"
    assert hostile[f"{kit.SID}/stappen"] == "1,67"                       # decimal comma
    assert hostile["nog te beoordelen"] == "1"
    nbgrader_csv = (graded / "reports" / kit.ASSIGNMENT / "nbgrader-export.csv").read_text(encoding="utf-8")
    assert "st0" in nbgrader_csv                                           # nbgrader export keeps working


def test_feedback_page_shows_levels_descriptors_and_comments(graded):
    html = (graded / "feedback_casuslab" / "st0" / kit.ASSIGNMENT / f"{kit.SID}.html").read_text(encoding="utf-8")
    assert "Resultaat: 13 van 13 punten (100 %)" in html
    assert html.count("&larr; jouw niveau") == 3
    assert "legt uit dat getuigenis in rechte een uitzondering is" in html     # the descriptor of level 2
    assert "Verwijs naar het wettelijk kader" in html                            # @bronnen from grading/comments.yaml
    assert "zwijgrecht=2" not in html                                            # the level line itself is not shown
    assert "Waarom:" in html and "Wat er gebeurde:" in html                      # option feedback and consequence
    wrong = (graded / "feedback_casuslab" / "st1" / kit.ASSIGNMENT / f"{kit.SID}.html").read_text(encoding="utf-8")
    assert "Tom staat aan je bureau" in wrong and "nog niet beoordeeld" in wrong


def test_rubric_sheet_lists_suggestions_with_evidence(graded):
    html = (graded / "reports" / kit.ASSIGNMENT / "rubric-sheet.html").read_text(encoding="utf-8")
    assert "stelt alleen voor" in html
    assert html.count("<section class=student>") == 3
    assert '<mark class="hit">' in html and "Commentaarregel voor formgrader" in html
    assert "@toestemming" in html                                                # the course-wide comment bank


@pytest.mark.parametrize("value, shown", [("=cmd", "'=cmd"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"),
                                          ("\tx", "'\tx"), ("Jan", "Jan"), (None, "")])
def test_safe_text(value, shown):
    assert safe_text(value) == shown


def test_number_and_csv_bytes():
    assert [number(2.0), number(1.665), number(0.5), number(None), number(12.34, 1)] == ["2", "1,67", "0,5", "", "12,3"]
    assert to_csv([["a", "b;c"]]) == '\ufeffa;"b;c"\r\n'.encode("utf-8")
