"""The grade export: one CSV per assignment, a row per student, a column per question.

Written for Excel with a Flemish (nl-BE) locale, which opens a double-clicked
CSV with the list separator ``;`` and the decimal comma: so the file uses ``;``,
decimal commas, Windows line ends, and UTF-8 with a byte-order mark (without
the BOM Excel reads UTF-8 as ANSI and breaks accents). Any text cell that
Excel could take for a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return) gets a leading apostrophe (CSV/formula injection).

Columns: student, last name, first name, submitted, one per question
(``<scenario>/<question>``; empty while an open question awaits the lecturer,
``niet bereikt`` for a question off the student's path through the scenario),
late penalty, to grade, total (late penalty deducted), maximum, percentage, score
on 20. The maximum is the sum of each scenario's path maximum (contract §4: every
path through a scenario is worth the same; questions on the other branch are not
counted twice). Every amount comes from ``casuslab.grade.result`` (exact half-up).

``guard_csv`` makes nbgrader's own export (``nbgrader export``) as safe: every text
cell that is not a plain number gets the same apostrophe.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from casuslab.grade.result import MANUAL, NOT_REACHED, STATUS_NL, build_results, format_number

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> str:
    """A student-derived text cell that Excel will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def number(value: Any, decimals: int = 2) -> str:
    """1.5 -> '1,5' (decimal comma, exact half-up: 1.665 -> '1,67', 10.25 -> '10,3' with 1); None -> ''."""
    return format_number(value, decimals)


HEADER_END = ["aftrek te laat", "nog te beoordelen", "totaal", "maximum", "percentage", "op 20"]


def export_rows(gb: Any, assignment: str, plans: list, course: Any = None) -> list[list[str]]:
    """The CSV's rows, from each student's SubmissionResult (``course``: for the answers files, i.e. the
    student's path and each answer's status; without it every question counts as reached and the
    gradebook alone says what awaits the lecturer)."""
    results = build_results(gb, course, assignment, plans)
    columns = [(f"{plan.name}/{cell.qid}", plan.name, cell.qid) for plan in plans for cell in plan.grade_cells]
    header = ["student", "familienaam", "voornaam", "ingediend"] + [c[0] for c in columns] + HEADER_END
    rows = [header]
    for result in results:
        row = [safe_text(result.student), safe_text(result.last_name), safe_text(result.first_name),
               "ja" if result.submitted else "nee"]
        maximum = number(result.path_max)
        if not result.submitted:
            rows.append(row + [""] * len(columns) + ["", "0", "0", maximum, "0", "0"])
            continue
        for _, notebook, qid in columns:
            question = result.question(notebook, qid)
            if question is None or question.status == MANUAL:
                row.append("")  # awaits the lecturer
            elif question.status == NOT_REACHED:
                row.append(NOT_REACHED_NL)
            else:
                row.append(number(question.score))
        row += [number(result.late_penalty) if result.late_penalty else "", str(result.pending), number(result.total),
                maximum, number(result.percent(1), 1), number(result.on_twenty(1), 1)]
        rows.append(row)
    return rows


NOT_REACHED_NL = STATUS_NL[NOT_REACHED]


def to_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_export(course: Any, assignment: str) -> Path:
    from casuslab.grade.plan import load_plan

    with course.gradebook() as gb:
        plans = load_plan(gb, assignment, course.folder("source", ".", assignment))
        rows = export_rows(gb, assignment, plans, course)
    target = course.reports(assignment) / f"punten-{assignment}.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(to_csv(rows))
    return target


def write_nbgrader_export(course: Any, target: Path) -> None:
    """nbgrader's own export, as ``nbgrader export --to=<target>`` writes it.

    With nbgrader's CSV plugin (the default) it runs here, on the course's gradebook and
    config: a second Python process importing every Jupyter package took ~2 s of the ~2.4 s
    that ``nbgrader export`` needs for 300 students. A course that configures another plugin
    (``c.ExportApp.plugin_class``) still gets ``nbgrader export`` itself.
    """
    from casuslab.errors import GradingError
    from casuslab.grade.course import run_nbgrader

    if "plugin_class" in (course.config.get("ExportApp") or {}):
        run_nbgrader(course, "export", f"--to={target}", quiet=True)
        return
    from nbgrader.plugins.export import CsvExportPlugin

    plugin = CsvExportPlugin(config=course.config)
    plugin.to = str(target)
    with course.gradebook() as gb:
        try:
            plugin.export(gb)
        except Exception as exc:  # nbgrader's own code: no traceback for the lecturer
            raise GradingError(f"nbgrader export is mislukt: {type(exc).__name__}: {exc}") from exc


def _plain_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text and text.lower() not in ("nan", "inf", "-inf", "+inf", "infinity", "-infinity")


def guard_csv(data: str) -> str:
    """A comma CSV (nbgrader's export) with every formula-like text cell guarded; numbers kept."""
    rows = list(csv.reader(io.StringIO(data)))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow([cell if _plain_number(cell) else safe_text(cell) for cell in row])
    return out.getvalue()
