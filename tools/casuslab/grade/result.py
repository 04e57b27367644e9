"""One result per submission, read by every lecturer output (feedback, CSV, rubric sheet, ``score``).

Before this module each report summed the gradebook in its own way (one applied the late
penalty, another did not; one rounded with ``round`` on floats). Now they all read a
:class:`SubmissionResult`, built once from nbgrader's gradebook, the assignment's grading
plans (``casuslab.grade.plan``) and the student's answers file (for the path and the status).

API (stable; other modules import it):

``load_results(course, assignment) -> list[SubmissionResult]``
    every student in the gradebook, sorted by id (``submitted`` False for a student without
    a submission of this assignment).
``build_results(gb, course, assignment, plans, students=None) -> list[SubmissionResult]``
    the same with an open gradebook and loaded plans (``students``: only these ids). The gradebook
    is read with five column queries whatever the class size (no ORM objects, no lazy loading).
``result_from_report(report, spec=None, answers=None, student="") -> SubmissionResult``
    one ``casuslab.scoring.score_document`` report (no gradebook, no penalty): ``casuslab score``.
``SubmissionResult``
    ``student, assignment, submitted, timestamp, first_name, last_name, email, lms_user_id,
    questions`` (tuple of :class:`QuestionResult`, in notebook order), ``path_max`` (sum of each
    scenario's path maximum), ``raw_total`` (sum of the question scores, extra credit included),
    ``late_penalty``, ``extra_credit``, ``total`` (raw total minus penalty, never below 0),
    ``pending`` (open answers awaiting the lecturer), ``maxima`` and ``penalties`` (per notebook);
    ``on_twenty(places=2)``, ``percent(places=2)``, ``scaled(scale, places)`` (one half-up rounding
    of the exact ratio), ``question(notebook, qid)``, ``notebook_total(notebook)`` (no penalty),
    ``notebook_max(notebook)``, ``notebook_penalty(notebook)``.
    All amounts are exact ``Decimal`` values.
``QuestionResult``
    ``notebook, scenario, qid, kind`` (``closed``/``open``), ``status``, ``score`` (Decimal, or
    None when not reached or awaiting the lecturer), ``max``, ``extra_credit``, ``manual``
    (a lecturer's score), ``column`` (``notebook/qid``), ``counts`` (adds to the total).
Statuses: ``graded``, ``unanswered``, ``invalid``, ``manual`` (an open answer awaiting a
lecturer), ``not_reached`` (off the student's path: contract §4 reports these ``unanswered``
with 0 in ``casuslab score --json``; lecturer outputs show ``niet bereikt`` and leave the cell
empty). ``STATUS_NL`` has the Dutch words.
Formatting (exact, half-up, decimal comma): ``format_points(Decimal("10.25")) == "10,25"``,
``format_points(Decimal("2.50")) == "2,5"``, ``format_points(None) == ""``,
``format_number(Decimal("10.25"), 1) == "10,3"``; ``to_decimal(x, places)`` rounds any
int/float/Fraction/Decimal half-up (floats through their shortest ``repr``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, NamedTuple

from casuslab import paths, scoring

GRADED, UNANSWERED, INVALID, MANUAL = scoring.GRADED, scoring.UNANSWERED, scoring.INVALID, scoring.MANUAL
NOT_REACHED = "not_reached"
STATUS_NL = {GRADED: "", UNANSWERED: "niet beantwoord", INVALID: "ongeldig antwoord",
             MANUAL: "nog niet beoordeeld", NOT_REACHED: "niet bereikt"}
ZERO = Decimal(0)


def _fraction(value: Any) -> Fraction:
    if isinstance(value, float):
        return Fraction(repr(value))
    if isinstance(value, Decimal):
        return Fraction(value)
    return Fraction(value)


def to_decimal(value: Any, places: int = 2) -> Decimal:
    """``value`` rounded half-up (away from zero) to ``places`` decimals, exactly."""
    x = _fraction(value)
    scale = 10 ** places
    sign = -1 if x < 0 else 1
    units = (abs(x) * scale + Fraction(1, 2)).__floor__()
    return (Decimal(sign * units) / Decimal(scale)).quantize(Decimal(1).scaleb(-places))


def format_number(value: Any, places: int = 2) -> str:
    """Half-up to ``places`` decimals, trailing zeros dropped, decimal comma; None -> ''."""
    if value is None:
        return ""
    text = format(to_decimal(value, places), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(".", ",")


def format_points(value: Any) -> str:
    """Points as shown to people: ``Decimal('10.25') -> '10,25'``, ``2 -> '2'``, None -> ''."""
    return format_number(value, 2)


@dataclass(frozen=True)
class QuestionResult:
    notebook: str
    scenario: str
    qid: str
    kind: str                      # "closed" or "open"
    status: str                    # GRADED, UNANSWERED, INVALID, MANUAL, NOT_REACHED
    score: Decimal | None          # extra credit included; None: not reached or awaiting the lecturer
    max: Decimal
    extra_credit: Decimal = ZERO
    manual: bool = False           # a lecturer's score (override or open question)

    @property
    def column(self) -> str:
        return f"{self.notebook}/{self.qid}"

    @property
    def counts(self) -> bool:
        return self.score is not None


@dataclass(frozen=True)
class SubmissionResult:
    student: str
    assignment: str
    submitted: bool
    questions: tuple[QuestionResult, ...]
    path_max: Decimal
    late_penalty: Decimal = ZERO
    timestamp: dt.datetime | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    lms_user_id: str | None = None
    maxima: tuple[tuple[str, Decimal], ...] = ()   # (notebook, path maximum) per notebook
    penalties: tuple[tuple[str, Decimal], ...] = ()  # (notebook, late penalty) per notebook (nbgrader's unit)

    @property
    def raw_total(self) -> Decimal:
        return sum((q.score for q in self.questions if q.score is not None), ZERO)

    @property
    def extra_credit(self) -> Decimal:
        return sum((q.extra_credit for q in self.questions), ZERO)

    @property
    def total(self) -> Decimal:
        return max(ZERO, self.raw_total - self.late_penalty)

    @property
    def pending(self) -> int:
        return sum(1 for q in self.questions if q.status == MANUAL)

    def percent(self, places: int = 2) -> Decimal:
        """100 * total / path maximum, rounded half-up to ``places`` decimals from the exact ratio."""
        return self.scaled(100, places)

    def on_twenty(self, places: int = 2) -> Decimal:
        """The total on 20, rounded half-up to ``places`` decimals from the exact ratio (10.25 -> 10.3 with 1)."""
        return self.scaled(20, places)

    def scaled(self, scale: int, places: int = 2) -> Decimal:
        """The total on ``scale`` (exact ratio, then one half-up rounding); 0 without a maximum."""
        if not self.path_max:
            return to_decimal(0, places)
        return to_decimal(Fraction(scale) * Fraction(self.total) / Fraction(self.path_max), places)

    def question(self, notebook: str, qid: str) -> QuestionResult | None:
        return next((q for q in self.questions if q.notebook == notebook and q.qid == qid), None)

    def notebook_total(self, notebook: str) -> Decimal:
        """One notebook's points (no penalty)."""
        return sum((q.score for q in self.questions if q.notebook == notebook and q.score is not None), ZERO)

    def notebook_max(self, notebook: str) -> Decimal:
        return dict(self.maxima).get(notebook, ZERO)

    def notebook_penalty(self, notebook: str) -> Decimal:
        return dict(self.penalties).get(notebook, ZERO)


# -- building ---------------------------------------------------------------------------------


def _dec(value: Any) -> Decimal:
    if value is None:
        return ZERO
    try:
        return _dec_of(value)
    except TypeError:  # not hashable: no cache
        return to_decimal(value, 4).normalize() + ZERO


@lru_cache(maxsize=4096, typed=True)
def _dec_of(value: Any) -> Decimal:  # the same few scores and maxima come back for every student
    return to_decimal(value, 4).normalize() + ZERO


def plan_maximum(plan: Any) -> Decimal:
    """A notebook's path maximum (contract §4), or every cell's points outside the generated form."""
    if plan.shared_key is not None:
        return _dec(scoring.path_max(dict(plan.shared_key)))
    return _dec(sum(c.points for c in plan.grade_cells) + sum(plan.task_cells.values()))


def _answers_folder(course: Any, student: str, assignment: str, scenario: str) -> Path:
    folder = course.folder("autograded", student, assignment)
    if (folder / f"{scenario}.answers.json").exists():
        return folder
    return course.folder("submitted", student, assignment)


def _read_answers(course: Any, student: str, assignment: str, plan: Any) -> tuple[dict | None, bool]:
    """(answers, readable) of a student's answers file for one notebook; (None, True) without a course:
    the statuses then come from the gradebook alone (every question reached)."""
    from casuslab.student import grading

    if course is None:
        return None, True
    doc, error = grading.read_document(_answers_folder(course, student, assignment, plan.scenario), plan.scenario)
    error = error or scoring.check_document({"id": plan.scenario}, doc)
    return (doc["answers"], True) if not error else ({}, False)


@dataclass(frozen=True)
class _Cell:
    """What a grading cell's result needs that is the same for every student (worked out once per plan)."""
    cell: Any
    grade: str              # the gradebook cell holding the score
    stage: dict | None
    question: dict | None
    maximum: Decimal


def _cells(plan: Any) -> list[_Cell]:
    from casuslab.build.notebook import cell_id
    from casuslab.student import grading

    key = dict(plan.shared_key) if plan.shared_key is not None else None
    found = []
    for cell in plan.grade_cells:
        data = cell.data if isinstance(cell.data, dict) else {}
        if cell.kind == "closed":
            stage, question = grading.find_question(dict(data, id=data.get("id", cell.scenario)), cell.qid)
            found.append(_Cell(cell, cell.name, stage, question, _dec(cell.points)))
        else:
            question = data if data.get("type") else dict(data, type="open")
            stage = grading.find_question(key, cell.qid)[0] if key is not None else None
            task = cell_id("task", cell.qid)
            found.append(_Cell(cell, task, stage, question, _dec(plan.task_cells.get(task, cell.points))))
    return found


def _question_results(plan: Any, cells: list[_Cell], grades: dict, answers: dict | None, readable: bool
                      ) -> list[QuestionResult]:
    key = dict(plan.shared_key) if plan.shared_key is not None and answers is not None else None
    on_path = set(paths.student_path(key, answers)) if key is not None else None
    found = []
    for info in cells:
        cell, stage, question = info.cell, info.stage, info.question
        grade = grades.get(info.grade)
        value = answers.get(cell.qid) if answers is not None else None
        if not readable:
            status = INVALID
        elif answers is None:  # no answers file to look at: the gradebook decides
            status = MANUAL if cell.kind == "open" else GRADED
        elif on_path is not None and stage is not None and stage.get("id") not in on_path:
            status = NOT_REACHED
        elif question is not None:
            status = scoring.score_question(question, value)[1]
        else:
            status = GRADED
        manual = grade is not None and grade.manual_score is not None
        extra = _dec(grade.extra_credit) if grade is not None else ZERO
        raw = None if grade is None else (grade.manual_score if manual else grade.auto_score)
        if manual and status in (MANUAL, NOT_REACHED):
            status = GRADED  # the lecturer's score decides
        elif status == MANUAL and grade is not None and not grade.needs_manual_grade and raw is not None:
            status = GRADED  # nbgrader scored it (a missing notebook: 0 on every cell, no manual grading)
        score = None if status in (MANUAL, NOT_REACHED) else _dec(raw) + extra
        found.append(QuestionResult(plan.name, cell.scenario, cell.qid, cell.kind, status, score, info.maximum,
                                    extra, manual))
    return found


class _Grade(NamedTuple):
    auto_score: float | None
    manual_score: float | None
    extra_credit: float | None
    needs_manual_grade: bool


def _gradebook_rows(gb: Any, assignment: str) -> tuple[list, dict, dict, dict]:
    """(students, {student: timestamp}, {(student, notebook): penalty}, {(student, notebook): {cell: _Grade}})
    of ``assignment``: five column queries, however many students (no ORM objects, no lazy loading)."""
    from nbgrader.api import (Assignment, BaseCell, Grade, MissingEntry, Notebook, Student, SubmittedAssignment,
                              SubmittedNotebook)

    db = gb.db
    found = db.query(Assignment.id).filter(Assignment.name == assignment).one_or_none()
    if found is None:
        raise MissingEntry()
    aid = found[0]
    students = db.query(Student.id, Student.first_name, Student.last_name, Student.email, Student.lms_user_id).all()
    timestamps = dict(db.query(SubmittedAssignment.student_id, SubmittedAssignment.timestamp)
                      .filter(SubmittedAssignment.assignment_id == aid).all())
    submitted = (db.query(SubmittedAssignment.student_id, Notebook.name, SubmittedNotebook.late_submission_penalty)
                 .select_from(SubmittedNotebook)
                 .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
                 .join(Notebook, SubmittedNotebook.notebook_id == Notebook.id)
                 .filter(SubmittedAssignment.assignment_id == aid).all())
    penalties = {(sid, notebook): penalty for sid, notebook, penalty in submitted}
    grades: dict = {}
    rows = (db.query(SubmittedAssignment.student_id, Notebook.name, BaseCell.name, Grade.auto_score,
                     Grade.manual_score, Grade.extra_credit, Grade.needs_manual_grade)
            .select_from(Grade)
            .join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
            .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
            .join(Notebook, SubmittedNotebook.notebook_id == Notebook.id)
            .join(BaseCell, Grade.cell_id == BaseCell.id)
            .filter(SubmittedAssignment.assignment_id == aid))
    for sid, notebook, cell, *values in rows.all():
        grades.setdefault((sid, notebook), {})[cell] = _Grade(*values)
    return students, timestamps, penalties, grades


def build_results(gb: Any, course: Any, assignment: str, plans: list, students: Iterable[str] | None = None
                  ) -> list[SubmissionResult]:
    """Every (or the named) student's result for ``assignment``; see the module doc."""
    wanted = set(students) if students is not None else None
    people, timestamps, penalties, grades = _gradebook_rows(gb, assignment)
    maxima = tuple((plan.name, plan_maximum(plan)) for plan in plans)
    path_max = sum((m for _, m in maxima), ZERO)
    cells = [_cells(plan) for plan in plans]
    results = []
    for sid, first_name, last_name, email, lms_user_id in sorted(people, key=lambda s: s[0]):
        if wanted is not None and sid not in wanted:
            continue
        who = dict(student=sid, assignment=assignment, first_name=first_name, last_name=last_name, email=email,
                   lms_user_id=lms_user_id, path_max=path_max, maxima=maxima)
        if sid not in timestamps:
            results.append(SubmissionResult(submitted=False, questions=(), **who))
            continue
        questions: list[QuestionResult] = []
        late = []
        for plan, plan_cells in zip(plans, cells):
            submitted = (sid, plan.name) in penalties
            late.append((plan.name, _dec(penalties[sid, plan.name]) if submitted else ZERO))
            answers, readable = _read_answers(course, sid, assignment, plan)
            questions.extend(_question_results(plan, plan_cells, grades.get((sid, plan.name), {}), answers, readable))
        results.append(SubmissionResult(submitted=True, questions=tuple(questions), timestamp=timestamps[sid],
                                        late_penalty=sum((p for _, p in late), ZERO), penalties=tuple(late), **who))
    return results


def load_results(course: Any, assignment: str) -> list[SubmissionResult]:
    """Open the course's gradebook and build every student's result."""
    from casuslab.grade.plan import load_plan

    with course.gradebook() as gb:
        plans = load_plan(gb, assignment, course.folder("source", ".", assignment))
        return build_results(gb, course, assignment, plans)


def result_from_report(report: dict, spec: dict | None = None, answers: dict | None = None,
                       student: str = "") -> SubmissionResult:
    """A ``scoring.score_document`` report as a result (``casuslab score``: no gradebook, no penalty).

    With the ``spec`` and the file's ``answers`` (a readable file), off-path questions become
    NOT_REACHED: for display only, the report itself keeps them ``unanswered`` (contract §4).
    """
    sid = str(report.get("scenario"))
    on_path = None
    if spec is not None and isinstance(answers, dict) and not report.get("error"):
        on_path = set(paths.student_path(spec, answers))
    stage_of = {q["id"]: s["id"] for s in (spec or {}).get("stages", []) for q in s.get("questions") or []}
    questions = []
    for qid, entry in report.get("questions", {}).items():
        status = entry["status"]
        if on_path is not None and stage_of.get(qid) not in on_path:
            status = NOT_REACHED
        score = None if entry["score"] is None or status == NOT_REACHED else _dec(entry["score"])
        kind = "open" if status == MANUAL or "suggestion" in entry else "closed"
        questions.append(QuestionResult(sid, sid, qid, kind, status, score, _dec(entry["max"])))
    maximum = _dec(report.get("max", 0))
    return SubmissionResult(student, "", True, tuple(questions), maximum, maxima=((sid, maximum),))
