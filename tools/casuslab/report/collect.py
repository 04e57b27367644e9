"""The class report's data: per student and per item, from nbgrader's gradebook and the answers files.

- Scores, totals, late penalties and the path maximum come from ``casuslab.grade.result``
  (one ``SubmissionResult`` per student, what feedback and the export show too): a
  lecturer's manual score over the auto score, plus extra credit. An open question that
  still awaits the lecturer has no score yet (``None``).
- Whether a student *reached* an item, what they answered, their path and their time on
  task come from their answers file (``autograded/``, else ``submitted/``), read with the
  graders' own reader: a missing or unusable file, or a submission without the notebook
  (scored 0 on every cell, as nbgrader does), leaves the path unknown, and none of that
  student's items of that scenario count in the item statistics.
- The scenario (graph, keys, option texts, rubric) is the one that was graded: the key
  stored in the gradebook's grading cells, with the texts of ``source/<a>/<s>.case.json``
  and the rubric of the open-answer cells.

Submission times, extensions and comments are read with column queries (no ORM objects,
no per-row lazy loading).
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from casuslab import paths, rubric, scoring
from casuslab.errors import GradingError
from casuslab.report import stats


@dataclass
class Item:
    key: str          # "<notebook>/<question id>"
    notebook: str
    qid: str
    kind: str         # the question type
    stage: str
    prompt: str
    points: float
    question: dict    # texts, options (with ``correct``), rubric (with cues) of the graded question
    cell: str         # the gradebook cell holding the score (``q-<qid>``, or the task cell of an open question)


@dataclass
class Scenario:
    notebook: str
    scenario: str
    title: str
    spec: dict        # the graded graph with texts
    maximum: float    # the path maximum (every path carries the same)


@dataclass
class StudentRecord:
    id: str
    first_name: str = ""
    last_name: str = ""
    status: str = "niet ingediend"   # "op tijd", "te laat", "niet ingediend", "niet beoordeeld"
    timestamp: dt.datetime | None = None
    seconds_late: float = 0.0
    penalty: float = 0.0
    scores: dict[str, float | None] = field(default_factory=dict)   # item key -> score (None: awaits the lecturer)
    reached: set[str] = field(default_factory=set)                  # item keys on the student's path
    answers: dict[str, Any] = field(default_factory=dict)           # item key -> the saved answer
    paths: dict[str, tuple[str, ...] | None] = field(default_factory=dict)  # notebook -> stages (None: unknown)
    seconds: dict[str, float | None] = field(default_factory=dict)          # notebook -> time on task
    levels: dict[str, dict[str, tuple[int, str]]] = field(default_factory=dict)  # item -> criterion -> (level, source)
    total: float = 0.0
    maximum: float = 0.0
    result: Any = None   # the student's casuslab.grade.result.SubmissionResult (exact amounts)

    @property
    def submitted(self) -> bool:
        return self.status in ("op tijd", "te laat")

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    @property
    def raw_total(self) -> float:
        """The sum of the item scores (before any late penalty): the test score of the item analysis."""
        return sum(v for v in self.scores.values() if v is not None)

    @property
    def on20(self) -> float:
        if self.result is not None:
            return float(self.result.on_twenty(4))
        return 20 * self.total / self.maximum if self.maximum else 0.0


@dataclass
class Cohort:
    assignment: str
    duedate: dt.datetime | None
    scenarios: list[Scenario]
    items: list[Item]
    students: list[StudentRecord]

    @property
    def submitted(self) -> list[StudentRecord]:
        return [s for s in self.students if s.submitted]


LECTURER, SUGGESTED = "docent", "suggestie"


def graded_spec(plan: Any) -> dict:
    """The scenario as graded: the key's graph and scoring, the student spec's texts, the open cells' rubrics."""
    from casuslab.student.grading import find_question

    key = plan.shared_key if isinstance(plan.shared_key, dict) else None
    case = plan.case if isinstance(plan.case, dict) else {}
    spec = copy.deepcopy(key or case or {"stages": []})
    spec["id"] = plan.scenario
    spec["title"] = case.get("title") or plan.scenario
    for stage in spec.get("stages", []):
        case_stage = next((s for s in case.get("stages", []) if s.get("id") == stage.get("id")), {})
        stage["title"] = case_stage.get("title", stage.get("id"))
        for q in stage.get("questions") or []:
            _, text = find_question(case, q.get("id"))
            text = text or {}
            q["prompt"] = text.get("prompt", "")
            texts = {o.get("id"): o.get("text", "") for o in text.get("options", [])}
            for option in q.get("options", []):
                option["text"] = texts.get(option.get("id"), option.get("id"))
    for cell in plan.grade_cells:
        if cell.kind == "open" and isinstance(cell.data, dict):
            _, q = find_question(spec, cell.qid)
            if q is not None:
                q.update({k: v for k, v in cell.data.items() if k in ("rubric", "model_answer", "words", "prompt")})
    return spec


def build_items(plans: list) -> tuple[list[Scenario], list[Item]]:
    from casuslab.build.notebook import cell_id
    from casuslab.student.grading import find_question

    scenarios, items = [], []
    for plan in plans:
        spec = graded_spec(plan)
        scenarios.append(Scenario(plan.name, plan.scenario, spec["title"], spec, scoring.path_max(spec)))
        for cell in plan.grade_cells:
            stage, question = find_question(spec, cell.qid)
            if question is None:
                continue
            name = cell.name if cell.kind == "closed" else cell_id("task", cell.qid)
            points = cell.points if cell.kind == "closed" else plan.task_cells.get(name, scoring.question_points(question))
            items.append(Item(f"{plan.name}/{cell.qid}", plan.name, cell.qid, str(question.get("type")),
                              stage["id"], str(question.get("prompt", "")), float(points), question, name))
    return scenarios, items


def _rows(gb: Any, assignment: str) -> dict:
    """Due date, students, submission times and lecturers' comments, as plain tuples (scores: grade.result)."""
    from nbgrader.api import (Assignment, BaseCell, Comment, Notebook, Student, SubmittedAssignment,
                              SubmittedNotebook)

    db = gb.db
    found = db.query(Assignment.id, Assignment.duedate).filter(Assignment.name == assignment).one_or_none()
    if found is None:
        raise GradingError(f"de opdracht '{assignment}' staat niet in het gradebook; "
                           f"voer eerst `casuslab assign {assignment}` uit")
    aid, duedate = found

    comments = (db.query(SubmittedAssignment.student_id, Notebook.name, BaseCell.name, Comment.manual_comment)
                .select_from(Comment)
                .join(SubmittedNotebook, Comment.notebook_id == SubmittedNotebook.id)
                .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
                .join(Notebook, SubmittedNotebook.notebook_id == Notebook.id)
                .join(BaseCell, Comment.cell_id == BaseCell.id)
                .filter(SubmittedAssignment.assignment_id == aid).all())
    return {
        "duedate": duedate,
        "students": db.query(Student.id, Student.first_name, Student.last_name).all(),
        "submissions": db.query(SubmittedAssignment.student_id, SubmittedAssignment.timestamp,
                                SubmittedAssignment.extension).filter(SubmittedAssignment.assignment_id == aid).all(),
        "comments": comments,
    }


def collect(course: Any, assignment: str) -> Cohort:
    """The whole cohort of ``assignment`` in ``course`` (a ``casuslab.grade.course.Course``)."""
    from casuslab.grade.fast import submitted_students
    from casuslab.grade.plan import load_plan
    from sqlalchemy.exc import SQLAlchemyError

    from casuslab.grade.result import build_results

    try:
        with course.gradebook() as gb:
            plans = load_plan(gb, assignment, course.folder("source", ".", assignment))
            rows = _rows(gb, assignment)
            results = {r.student: r for r in build_results(gb, course, assignment, plans) if r.submitted}
    except SQLAlchemyError as exc:  # a damaged or foreign database file
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise GradingError(f"het gradebook kan niet gelezen worden ({course.db_url}): {reason}") from exc
    scenarios, items = build_items(plans)
    students = {sid: StudentRecord(sid, first or "", last or "") for sid, first, last in rows["students"]}
    submitted_here = set(submitted_students(course, assignment))
    due = rows["duedate"]
    for sid, timestamp, extension in rows["submissions"]:
        record = students.setdefault(sid, StudentRecord(sid))
        record.timestamp = timestamp
        if due is not None and timestamp is not None:
            record.seconds_late = max(0.0, (timestamp - (due + (extension or dt.timedelta(0)))).total_seconds())
        record.status = "te laat" if record.seconds_late > 0 else "op tijd"
    for sid in submitted_here:
        record = students.setdefault(sid, StudentRecord(sid))
        if not record.submitted:
            record.status = "niet beoordeeld"
    comments = {(sid, notebook, cell): text for sid, notebook, cell, text in rows["comments"]}
    for record in students.values():
        result = results.get(record.id)
        if not record.submitted or result is None:
            continue
        record.result = result
        for item in items:
            question = result.question(item.notebook, item.qid)
            score = question.score if question is not None else None
            record.scores[item.key] = None if score is None else float(score)  # None: not reached, or pending
        for scenario in scenarios:
            _read_answers(course, assignment, record, scenario, [i for i in items if i.notebook == scenario.notebook],
                          comments)
        record.penalty = float(result.late_penalty)
        record.maximum = float(result.path_max)
        record.total = float(result.total)
    return Cohort(assignment, due, scenarios, items, sorted(students.values(), key=lambda s: s.id))


def _read_answers(course: Any, assignment: str, record: StudentRecord, scenario: Scenario, items: list[Item],
                  comments: dict) -> None:
    from casuslab.grade.comments import levels_in
    from casuslab.student.grading import read_document

    folder = course.folder("autograded", record.id, assignment)
    if not (folder / f"{scenario.scenario}.answers.json").exists():
        folder = course.folder("submitted", record.id, assignment)
    doc, error = read_document(folder, scenario.scenario)
    spec = scenario.spec
    notebook = course.folder("submitted", record.id, assignment) / f"{scenario.notebook}.ipynb"
    # without the notebook nbgrader scores every cell 0, whatever the answers file says: path unknown
    if error or scoring.check_document(spec, doc) or not notebook.is_file():
        record.paths[scenario.notebook] = None
        record.seconds[scenario.notebook] = None
        return
    answers = doc["answers"]
    path = tuple(paths.student_path(spec, answers))
    record.paths[scenario.notebook] = path
    record.seconds[scenario.notebook] = stats.time_on_task(doc.get("saved_at"))
    for item in items:
        if item.stage not in path:
            continue
        record.reached.add(item.key)
        value = answers.get(item.qid)
        record.answers[item.key] = value
        if item.kind != "open":
            continue
        criteria = item.question.get("rubric") or []
        given = {cid: (level, LECTURER)
                 for cid, level in levels_in(comments.get((record.id, item.notebook, item.cell)), criteria).items()}
        if len(given) < len(criteria) and isinstance(value, str) and value.strip():
            for cid, suggestion in rubric.suggest(item.question, value).items():
                if cid not in given and suggestion.level is not None:
                    given[cid] = (suggestion.level, SUGGESTED)
        record.levels[item.key] = given
