"""`casuslab demo` runs the whole lecturer path (real nbgrader exchange, collect, feedback, export)."""

from __future__ import annotations

import csv
import io
import sys

import pytest

import gradekit as kit

pytestmark = pytest.mark.nbgrader


def test_demo_runs_the_whole_path(tmp_path):
    work = tmp_path / "demo"
    done = kit.run([sys.executable, "-m", "casuslab.cli", "demo", "--students", "10", "--dir", str(work),
                    "--course", str(kit.ROOT / "course")], cwd=tmp_path)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-4000:]
    assert "Traceback" not in out
    for step in ("1. gebouwd", "2. vrijgegeven", "3. 10 gesimuleerde studenten", "4. opgehaald", "5. beoordeeld",
                 "6. voorbeoordeeld", "7. feedback", "8. geëxporteerd", "9. klasrapport", "Formgrader"):
        assert step in out, step
    course = work / "course"
    sheet = next(course.glob("reports/*/rubric-sheet.html"))
    assert "stelt alleen voor" in sheet.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(next(course.glob("reports/*/punten-*.csv")).read_text(encoding="utf-8-sig")),
                           delimiter=";"))
    assert len(rows) == 11
    assert len(list(course.glob("feedback_casuslab/*/*/*.html"))) >= 10
    assert len(list(course.glob("feedback/*/*/*.html"))) >= 9          # nbgrader's own (not for a broken one)
    assert (course / "gradebook.db").is_file() and list((work / "exchange").iterdir())
    report = next(course.glob("reports/*-rapport.html")).read_text(encoding="utf-8")
    assert "<svg" in report and "http://" not in report.replace("http://www.w3.org/", "")
