"""Grade exports for a learning platform: a CSV that Moodle or Canvas imports, beside the Excel one.

Both profiles: comma separator, decimal point, UTF-8 without BOM, CRLF line ends, one row
per student of the gradebook, amounts exact and half-up (``casuslab.grade.result``), and the
same formula guard as the Excel CSV (a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return gets a leading apostrophe). Identities come from nbgrader's gradebook
(``Student.email``, ``Student.lms_user_id``; fill them with ``nbgrader db student add/import``).

``--profile moodle`` (Grades > Import > CSV file; "Identify user by": map "Email address" to
*Email address*, or "ID number" to *ID number*, or "Username" to *Username*; then map each
grade column to a grade item):

    First name, Last name, ID number (= lms_user_id), Email address, Username (= nbgrader id),
    <notebook>/<question> per question, Totaal, Op 20

A question off the student's path through the scenario ("not reached"), or an open answer the
lecturer has not scored yet, is an empty cell, never 0 (Moodle does not import an empty cell).
A student without a submission has empty question cells and 0 as total.

``--profile canvas`` (Grades > Import): Canvas's gradebook layout, matched on ``ID`` (the
Canvas user id = lms_user_id), else ``SIS User ID`` / ``SIS Login ID``:

    Student ("Last, First"), ID (= lms_user_id), SIS User ID (empty), SIS Login ID (= nbgrader
    id), Section (empty), <assignment>
    a second row "Points Possible" with the assignment's path maximum

One assignment column (a new column name makes Canvas create the assignment); it holds the
total in points after the late penalty.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from casuslab.errors import InputError, Location
from casuslab.grade.export import safe_text
from casuslab.grade.result import MANUAL, NOT_REACHED, format_number

PROFILES = ("moodle", "canvas")
FORMATS = ("nl-csv", "lms-csv", "xlsx", "all")


@dataclass
class Table:
    """Every student's result of one assignment, with the question columns in notebook order."""

    assignment: str
    results: list            # SubmissionResult per student, sorted by id
    columns: list            # (header "<notebook>/<qid>", notebook, qid)
    path_max: Any = 0        # the assignment's maximum: each notebook's path maximum, summed


def load_table(course: Any, assignment: str) -> Table:
    from casuslab.grade.plan import load_plan
    from casuslab.grade.result import ZERO, build_results, plan_maximum

    with course.gradebook() as gb:
        plans = load_plan(gb, assignment, course.folder("source", ".", assignment))
        results = build_results(gb, course, assignment, plans)
    columns = [(f"{plan.name}/{cell.qid}", plan.name, cell.qid) for plan in plans for cell in plan.grade_cells]
    return Table(assignment, results, columns, sum((plan_maximum(p) for p in plans), ZERO))


def point(value: Any, places: int = 2) -> str:
    """An amount with a decimal point, exact half-up, no trailing zeros: 10.25, 2.5, 7; None -> ''."""
    return format_number(value, places).replace(",", ".")


def question_cell(result: Any, notebook: str, qid: str) -> Any:
    """The score (Decimal) of one question, or None: not submitted, not reached, awaiting the lecturer."""
    if not result.submitted:
        return None
    question = result.question(notebook, qid)
    if question is None or question.status in (MANUAL, NOT_REACHED):
        return None
    return question.score


def moodle_rows(table: Table) -> list[list[str]]:
    header = ["First name", "Last name", "ID number", "Email address", "Username"] + [c[0] for c in table.columns] + [
        "Totaal", "Op 20"]
    rows = [header]
    for r in table.results:
        row = [safe_text(r.first_name), safe_text(r.last_name), safe_text(r.lms_user_id), safe_text(r.email),
               safe_text(r.student)]
        row += [point(question_cell(r, notebook, qid)) for _, notebook, qid in table.columns]
        row += [point(r.total), point(r.on_twenty(2))]
        rows.append(row)
    return rows


def _display_name(result: Any) -> str:
    names = [n for n in (result.last_name, result.first_name) if n]
    return ", ".join(names) if names else result.student


def canvas_rows(table: Table) -> list[list[str]]:
    rows = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", table.assignment],
            ["Points Possible", "", "", "", "", point(table.path_max)]]
    for r in table.results:
        rows.append([safe_text(_display_name(r)), safe_text(r.lms_user_id), "", safe_text(r.student), "",
                     point(r.total)])
    return rows


def to_lms_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=",", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def lms_csv(table: Table, profile: str) -> bytes:
    if profile not in PROFILES:
        raise InputError(f"onbekend profiel '{profile}'; kies moodle of canvas", Location("--profile"))
    return to_lms_csv(moodle_rows(table) if profile == "moodle" else canvas_rows(table))


def write_lms(course: Any, table: Table, profile: str) -> Path:
    target = course.reports(table.assignment) / f"lms-{profile}-{table.assignment}.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(lms_csv(table, profile))
    return target


def run_export_formats(course_dir: Path, assignment: str, fmt: str = "nl-csv", profile: str = "moodle") -> int:
    """``casuslab export A [--format nl-csv|lms-csv|xlsx|all] [--profile moodle|canvas]``.

    ``nl-csv`` (the default) is the export as it always was (``grade.commands.run_export``);
    the others write their files beside it in ``reports/<assignment>/``.
    """
    if fmt not in FORMATS:
        raise InputError(f"onbekend formaat '{fmt}'; kies uit {', '.join(FORMATS)}", Location("--format"))
    if profile not in PROFILES:
        raise InputError(f"onbekend profiel '{profile}'; kies moodle of canvas", Location("--profile"))
    if fmt in ("nl-csv", "all"):
        from casuslab.grade.commands import run_export

        run_export(course_dir, assignment)
        if fmt == "nl-csv":
            return 0
    from casuslab.grade.course import open_course

    course = open_course(course_dir)
    table = load_table(course, assignment)
    if fmt in ("lms-csv", "all"):
        path = write_lms(course, table, profile)
        print(f"Punten voor {profile.capitalize()} (komma, decimaal punt, UTF-8): {path}")
    if fmt in ("xlsx", "all"):
        from casuslab.grade.xlsx import write_xlsx

        print(f"Punten als Excel-werkmap (.xlsx): {write_xlsx(course, table)}")
    pending = sum(r.pending for r in table.results)
    if pending:
        print(f"Let op: {pending} open antwoord(en) nog niet beoordeeld; die cellen zijn leeg en tellen niet mee.")
    return 0
