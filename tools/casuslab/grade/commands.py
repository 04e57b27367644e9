"""The lecturer's commands, each a thin layer over nbgrader (or over the fast grader).

    casuslab assign A     build the course, then `nbgrader generate_assignment A --force`
    casuslab release A    `nbgrader release_assignment A`
    casuslab collect A    `nbgrader collect A`
    casuslab grade A      the fast path (casuslab.grade.fast) + the rubric sheet
    casuslab feedback A   `nbgrader generate_feedback A --force` + casuslab's feedback pages
    casuslab export A     casuslab's CSV per assignment (Flemish Excel) + `nbgrader export`
"""

from __future__ import annotations

import sys
from pathlib import Path

from casuslab.errors import GradingError
from casuslab.grade.course import Course, open_course, run_nbgrader


def _console():
    from rich.console import Console

    return Console(stderr=False, highlight=False)


def _check_assignment(course: Course, assignment: str) -> None:
    if course.plan is not None and course.assignment_plan(assignment) is None:
        known = ", ".join(a.id for a in course.plan.assignments)
        raise GradingError(f"de opdracht '{assignment}' staat niet in course.yaml (wel: {known})")


def run_assign(course_dir: Path, assignment: str, scenarios: Path | None = None) -> int:
    from casuslab.build.course import build_course

    course_dir = Path(course_dir)
    result = build_course(course_dir, scenarios)
    for problem in result.warnings:
        print(problem.line(), file=sys.stderr)
    course = open_course(course_dir)
    _check_assignment(course, assignment)
    run_nbgrader(course, "generate_assignment", assignment, "--force")
    plan = course.assignment_plan(assignment)
    if plan is not None and plan.due is not None:
        set_duedate(course, assignment, plan.due)
    release = course.folder("release", ".", assignment)
    print(f"Opdracht '{assignment}' klaargezet: {release.resolve()}")
    print(f"Volgende stap: casuslab release {assignment}")
    return 0


def set_duedate(course: Course, assignment: str, due) -> None:
    import datetime as dt

    if isinstance(due, dt.date) and not isinstance(due, dt.datetime):
        due = dt.datetime.combine(due, dt.time(23, 59))
    with course.gradebook() as gb:
        gb.update_or_create_assignment(assignment, duedate=due.isoformat())


def run_release(course_dir: Path, assignment: str) -> int:
    course = open_course(course_dir)
    run_nbgrader(course, "release_assignment", assignment, "--force")
    print(f"Opdracht '{assignment}' vrijgegeven voor de studenten van {course.course_id}.")
    return 0


def run_collect(course_dir: Path, assignment: str) -> int:
    course = open_course(course_dir)
    # a submission folder not owned by the student it names is refused, every file is copied
    # safely within limits, one bad submission never stops the class (casuslab.hub.collect)
    log = run_nbgrader(course, "collect", assignment, "--update",
                       "--ExchangeFactory.collect=casuslab.hub.collect.OwnerCheckedCollect", quiet=True)
    from casuslab.grade.fast import submitted_students
    from casuslab.hub.safecopy import print_collect_report

    print_collect_report(log, _console())

    count = len(submitted_students(course, assignment))
    print(f"{count} inzending(en) van '{assignment}' staan in {course.folder('submitted', '.', '.').resolve()}")
    print(f"Volgende stap: casuslab grade {assignment}")
    return 0


def run_grade(course_dir: Path, assignment: str, light: bool = False) -> int:
    if light:  # the command-line process only: see light_imports
        from casuslab.grade.course import light_imports

        light_imports()
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from casuslab.grade.fast import grade_assignment
    from casuslab.grade.sheet import write_rubric_sheet

    course = open_course(course_dir)
    console = _console()
    with Progress(TextColumn("beoordelen"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.description}"), console=console, transient=True) as bar:
        task = bar.add_task("", total=None)

        def step(done: int, total: int, student: str) -> None:
            bar.update(task, completed=done, total=total, description=student)

        run = grade_assignment(course, assignment, step)
    run.sheet = write_rubric_sheet(course, assignment, run)
    print_run(run, console)
    return 0


def print_run(run, console) -> None:
    from rich.table import Table
    from rich.text import Text

    graded = len(run.results)
    console.print(f"{graded} van {len(run.students)} inzending(en) van '{run.assignment}' beoordeeld "
                  f"in {run.seconds:.1f} s (zonder kernel).")
    if run.problems:
        table = Table(title="Wat niet (volledig) beoordeeld kon worden, en waarom", title_justify="left")
        for column in ("student", "notebook", "probleem", "gevolg"):
            table.add_column(column)
        for (student, what, outcome, _, error), notebooks in grouped_problems(run):
            shown = "-" if notebooks == [""] else (
                f"alle {len(notebooks)}" if len(notebooks) > 1 and len(notebooks) == len(run.notebooks) else ", ".join(notebooks))
            table.add_row(Text(student), Text(shown), Text(("FOUT: " if error else "") + what), Text(outcome))
        console.print(table)
    open_count = sum(1 for a in run.open_answers if a.status == "answered")
    if run.sheet is not None:
        console.print(f"Rubriekblad met suggesties voor {open_count} open antwoord(en): {run.sheet}")
    console.print("Open vragen beoordeel je in formgrader (de suggesties staan in de cel boven elke taak). "
                  f"Daarna: casuslab feedback {run.assignment}")


def grouped_problems(run) -> list:
    """Problems merged per student and kind: ((student, what, outcome, graded, error), [notebooks]).

    Submissions not graded come first, then errors to check, then notes."""
    groups: dict = {}
    for p in run.problems:
        groups.setdefault((p.student, p.what, p.outcome, p.graded, p.error), []).append(p.notebook)
    return sorted(groups.items(), key=lambda kv: (kv[0][3], not kv[0][4], kv[0][0], kv[0][1]))


def run_feedback(course_dir: Path, assignment: str) -> int:
    from casuslab.grade.feedback import write_feedback

    course = open_course(course_dir)
    failed = None
    try:
        run_nbgrader(course, "generate_feedback", assignment, "--force")
    except GradingError as exc:  # casuslab's own pages are still written for everyone
        failed = exc
    problems: list = []
    pages = write_feedback(course, assignment, problems)
    if failed is None:
        print(f"nbgrader-feedback: {course.folder('feedback', '.', '.').resolve()} "
              f"(uitdelen met: nbgrader release_feedback {assignment})")
    else:
        print(f"Let op: {failed}", file=sys.stderr)
    for student, why in problems:
        print(f"Let op: geen feedbackpagina voor {student!r}: {why}", file=sys.stderr)
    print(f"{len(pages)} feedbackpagina('s) van casuslab: {(course.root / 'feedback_casuslab').resolve()}")
    return 1 if failed is not None or problems else 0


def run_export(course_dir: Path, assignment: str) -> int:
    from casuslab.grade.export import write_export

    course = open_course(course_dir)
    path = write_export(course, assignment)
    from casuslab.grade.export import guard_csv, write_nbgrader_export

    nbgrader_csv = course.reports(assignment) / "nbgrader-export.csv"
    nbgrader_csv.parent.mkdir(parents=True, exist_ok=True)
    raw = nbgrader_csv.with_name(".nbgrader-export.raw.csv")  # nbgrader's names unguarded: never left behind
    try:
        write_nbgrader_export(course, raw)  # nbgrader export, in this process (no second start-up)
        nbgrader_csv.write_text(guard_csv(raw.read_text(encoding="utf-8")), encoding="utf-8")
    finally:
        raw.unlink(missing_ok=True)
    print(f"Punten per vraag (Excel, ';' en decimale komma): {path}")
    print(f"nbgrader's eigen export (totalen per opdracht): {nbgrader_csv}")
    return 0
