"""The grade export: one CSV per assignment, a row per student, a column per question.

Written for Excel with a Flemish (nl-BE) locale, which opens a double-clicked
CSV with the list separator ``;`` and the decimal comma: so the file uses ``;``,
decimal commas, Windows line ends, and UTF-8 with a byte-order mark (without
the BOM Excel reads UTF-8 as ANSI and breaks accents). Any text cell that
Excel could take for a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return) gets a leading apostrophe (CSV/formula injection).

Columns: student, last name, first name, submitted, one per question
(``<scenario>/<question>``; empty while an open question awaits the lecturer),
to grade, total, maximum, percentage, score on 20. The maximum is the sum of
each scenario's path maximum (contract §4: every path through a scenario is
worth the same; questions on the other branch are not counted twice).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from casuslab import scoring

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> str:
    """A student-derived text cell that Excel will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def number(value: float | None, decimals: int = 2) -> str:
    """1.5 -> '1,5' (decimal comma); None -> ''."""
    if value is None:
        return ""
    text = f"{round(float(value), decimals):.{decimals}f}".rstrip("0").rstrip(".")
    return (text or "0").replace(".", ",")


def _columns(plans: list) -> list[tuple[str, str, str, str | None]]:
    """(header, notebook, grade cell, task cell) per question, in the notebooks' order."""
    from casuslab.build.notebook import cell_id

    columns = []
    for plan in plans:
        for cell in plan.grade_cells:
            if cell.kind == "closed":
                columns.append((f"{plan.name}/{cell.qid}", plan.name, cell.name, None))
            else:
                columns.append((f"{plan.name}/{cell.qid}", plan.name, cell.name, cell_id("task", cell.qid)))
    return columns


def _maximum(plans: list) -> float:
    total = 0.0
    for plan in plans:
        if plan.shared_key is not None:
            total += scoring.path_max(dict(plan.shared_key))
        else:  # not the generated form: every cell's points
            total += sum(c.points for c in plan.grade_cells) + sum(plan.task_cells.values())
    return total


def export_rows(gb: Any, assignment: str, plans: list) -> list[list[str]]:
    columns = _columns(plans)
    maximum = _maximum(plans)
    header = ["student", "familienaam", "voornaam", "ingediend"] + [c[0] for c in columns] + [
        "nog te beoordelen", "totaal", "maximum", "percentage", "op 20"]
    rows = [header]
    submissions = {s.student_id: s for s in gb.assignment_submissions(assignment)}
    for student in sorted(gb.students, key=lambda s: s.id):
        submission = submissions.get(student.id)
        row = [safe_text(student.id), safe_text(student.last_name), safe_text(student.first_name),
               "ja" if submission is not None else "nee"]
        if submission is None:
            rows.append(row + [""] * len(columns) + ["0", "0", number(maximum), "0", "0"])
            continue
        grades: dict[tuple[str, str], Any] = {}
        penalty = 0.0
        for nb in submission.notebooks:
            penalty += nb.late_submission_penalty or 0.0
            for grade in nb.grades:
                grades[(nb.name, grade.name)] = grade
        total, pending = 0.0, 0
        for _, notebook, cell, task in columns:
            grade = grades.get((notebook, task or cell))
            value = None
            if grade is not None:
                value = grade.manual_score if grade.manual_score is not None else grade.auto_score
                if value is not None:
                    value += grade.extra_credit or 0.0
                if task and grade.needs_manual_grade:
                    pending += 1
            row.append(number(value))
            total += value or 0.0
        total = max(0.0, total - penalty)
        percent = 100 * total / maximum if maximum else 0.0
        row += [str(pending), number(total), number(maximum), number(percent, 1),
                number(20 * total / maximum if maximum else 0.0, 1)]
        rows.append(row)
    return rows


def to_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_export(course: Any, assignment: str) -> Path:
    from casuslab.grade.plan import load_plan

    with course.gradebook() as gb:
        plans = load_plan(gb, assignment, course.folder("source", ".", assignment))
        rows = export_rows(gb, assignment, plans)
    target = course.reports(assignment) / f"punten-{assignment}.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(to_csv(rows))
    return target
