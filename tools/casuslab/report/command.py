"""``casuslab report ASSIGNMENT``: the class analytics dashboard, one self-contained HTML file."""

from __future__ import annotations

from pathlib import Path

from casuslab.errors import GradingError, InputError, Location
from casuslab.i18n import os_reason


def default_target(course_root: Path, assignment: str) -> Path:
    return course_root / "reports" / f"{assignment}-rapport.html"


def write_report(course, assignment: str, out: Path | None = None) -> Path:
    """Collect ``assignment`` of ``course`` (a ``casuslab.grade.course.Course``) and write the page; its path."""
    from casuslab.report.collect import collect
    from casuslab.report.page import render

    if course.plan is not None and course.assignment_plan(assignment) is None:
        known = ", ".join(a.id for a in course.plan.assignments)
        raise GradingError(f"de opdracht '{assignment}' staat niet in course.yaml (wel: {known})")
    text = render(collect(course, assignment))
    target = Path(out) if out is not None else default_target(course.root, assignment)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"het rapport kan hier niet geschreven worden: {os_reason(exc)}",
                         Location(str(target))) from exc
    return target


def run_report(course_dir: Path, assignment: str, out: Path | None = None, light: bool = False) -> int:
    if light:  # the command-line process only: see casuslab.grade.course.light_imports
        from casuslab.grade.course import light_imports

        light_imports()
    from casuslab.grade.course import open_course

    course = open_course(course_dir)
    target = write_report(course, assignment, out)
    print(f"Klasrapport van '{assignment}': {target.resolve()}")
    return 0
