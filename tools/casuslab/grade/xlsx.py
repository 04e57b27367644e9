"""The grade export as an Excel workbook (``reports/<assignment>/punten-<assignment>.xlsx``).

The same columns as the Flemish CSV (``grade.export``) plus e-mail and LMS id, in one sheet
"Punten": real numbers (not text), so Excel's sums and filters work in any locale; the
number formats (``0.00`` points, ``0.0`` percentages and scores on 20) are stored
locale-independently and shown with a decimal comma on a Flemish Excel. The header row (and
the student column) stay in view when scrolling. A question off the student's path shows
the text ``niet bereikt`` (Excel's SUM skips text); an open answer awaiting the lecturer is
empty. Every text from the gradebook is stored as a string (``data_type`` s), never as a
formula, also when it starts with ``=``, ``+``, ``-`` or ``@``.

Deterministic: the document properties (created, modified) are fixed at ``FIXED_TIME`` and
every zip entry gets the same time, so the same gradebook gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

from casuslab.grade.result import NOT_REACHED, STATUS_NL

FIXED_TIME = dt.datetime(2000, 1, 1, 0, 0, 0)
ZIP_TIME = (2000, 1, 1, 0, 0, 0)
POINTS, ONE_DECIMAL, WHOLE = "0.00", "0.0", "0"
HEADER_END = [("aftrek te laat", POINTS), ("nog te beoordelen", WHOLE), ("totaal", POINTS), ("maximum", POINTS),
              ("percentage", ONE_DECIMAL), ("op 20", ONE_DECIMAL)]


def _text(cell: Any, value: Any) -> None:
    """A text cell that is never a formula."""
    cell.value = "" if value is None else str(value)
    cell.data_type = "s"


def _number(cell: Any, value: Any, fmt: str) -> None:
    if value is None:
        return
    cell.value = float(value)
    cell.number_format = fmt


def workbook(table: Any) -> Any:
    """The workbook (openpyxl) of one assignment's results."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Punten"
    header = ["student", "familienaam", "voornaam", "e-mail", "lms_user_id", "ingediend"] + [
        c[0] for c in table.columns] + [name for name, _ in HEADER_END]
    for col, name in enumerate(header, start=1):
        cell = ws.cell(row=1, column=col)
        _text(cell, name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    first_end = 7 + len(table.columns)
    for row, r in enumerate(table.results, start=2):
        for col, value in enumerate([r.student, r.last_name, r.first_name, r.email, r.lms_user_id,
                                     "ja" if r.submitted else "nee"], start=1):
            _text(ws.cell(row=row, column=col), value)
        for offset, (_, notebook, qid) in enumerate(table.columns):
            cell = ws.cell(row=row, column=7 + offset)
            question = r.question(notebook, qid) if r.submitted else None
            if question is not None and question.status == NOT_REACHED:
                _text(cell, STATUS_NL[NOT_REACHED])
                cell.font = Font(italic=True, color="666666")
            elif question is not None:
                _number(cell, question.score, POINTS)
        values = [r.late_penalty if r.submitted else None, r.pending, r.total, r.path_max, r.percent(1),
                  r.on_twenty(1)]
        for offset, (value, (_, fmt)) in enumerate(zip(values, HEADER_END)):
            _number(ws.cell(row=row, column=first_end + offset), value, fmt)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(1, len(table.results) + 1)}"
    for col, name in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(col)].width = max(10, min(28, len(name) + 2))
    wb.properties.creator = "casuslab"
    wb.properties.lastModifiedBy = "casuslab"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    return wb


def xlsx_bytes(table: Any) -> bytes:
    """The .xlsx file's bytes: the same table gives the same bytes (fixed times, fixed entry order)."""
    from openpyxl.writer.excel import ExcelWriter

    raw = io.BytesIO()
    archive = zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)
    ExcelWriter(workbook(table), archive).save()  # closes the archive; save_workbook would stamp "now"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def write_xlsx(course: Any, table: Any) -> Path:
    target = course.reports(table.assignment) / f"punten-{table.assignment}.xlsx"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(xlsx_bytes(table))
    return target
