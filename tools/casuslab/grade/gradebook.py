"""Writing ``casuslab grade``'s results into nbgrader's gradebook, as ``nbgrader autograde`` does.

Mirrors, with ``nbgrader.api``'s models:

- ``Autograde.init_assignment``: create the student, create or update the
  submission (timestamp), and give every cell of a missing notebook 0
  (``needs_manual_grade = False``);
- ``Gradebook.add_submission``: a new submission gets a grade for every grade
  and task cell and a comment for every solution and task cell;
- ``SaveAutoGrades``: ``auto_score`` per grade cell, ``needs_manual_grade`` when
  a manual score exists or there is no auto score; task comments get no auto
  comment. Manual scores and comments are never touched;
- ``AssignLatePenalties``: the configured plugin's penalty per notebook.

New submissions are inserted in bulk (one statement per table); existing ones
are updated in the session. Everything is committed once.
"""

from __future__ import annotations

from typing import Any

from casuslab.errors import GradingError


class _Late:
    """nbgrader's configured LateSubmissionPlugin, created when first needed."""

    def __init__(self, course: Any):
        self.course = course
        self.pre = None

    def penalty(self, student: str, score: float, seconds_late: float) -> float | None:
        if self.pre is None:
            from nbgrader.preprocessors import AssignLatePenalties

            self.pre = AssignLatePenalties(config=self.course.config)
            self.pre.init_plugin()
        penalty = self.pre.plugin_inst.late_submission_penalty(student, score, seconds_late)
        if penalty is None:
            return None
        return min(max(penalty, 0), score)  # AssignLatePenalties._check_late_penalty


def _score_notebook(nb: Any, grades: list, comments: list, names: dict, outcome: Any, seconds_late: float,
                    late: _Late, student: str) -> None:
    """Set one submitted notebook's auto scores (SaveAutoGrades) and late penalty (AssignLatePenalties)."""
    if not outcome.present:
        for grade in grades:
            grade.auto_score = 0
            grade.needs_manual_grade = False
        return
    total = 0.0
    for grade in grades:
        name = names.get(grade.cell_id)
        if name in outcome.scores:
            grade.auto_score = outcome.scores[name]
            grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None
        value = grade.manual_score if grade.manual_score is not None else grade.auto_score
        total += (value or 0.0) + (grade.extra_credit or 0.0)
    for comment in comments:
        if comment.cell_id in names:  # task cells: SaveAutoGrades sets no auto comment
            comment.auto_comment = None
    nb.late_submission_penalty = None
    if seconds_late > 0:
        nb.late_submission_penalty = late.penalty(student, total, seconds_late)


def _fresh_submission(assignment: Any, student_id: str, timestamp: Any) -> tuple[Any, dict]:
    """A new submission's rows (not in the session): {notebook name: (nb, grades, comments)}."""
    from nbgrader.api import Comment, Grade, SubmittedAssignment, SubmittedNotebook, new_uuid

    submission = SubmittedAssignment(id=new_uuid(), assignment_id=assignment.id, student_id=student_id,
                                     timestamp=timestamp)
    notebooks = {}
    for notebook in assignment.notebooks:
        nb = SubmittedNotebook(id=new_uuid(), assignment_id=submission.id, notebook_id=notebook.id, flagged=False)
        grades = [Grade(id=new_uuid(), cell_id=cell.id, notebook_id=nb.id, needs_manual_grade=True)
                  for cell in list(notebook.grade_cells) + list(notebook.task_cells)]
        comments = [Comment(id=new_uuid(), cell_id=cell.id, notebook_id=nb.id)
                    for cell in list(notebook.solution_cells) + list(notebook.task_cells)]
        notebooks[notebook.name] = (nb, grades, comments)
    return submission, notebooks


def _existing_submissions(gb: Any, assignment_id: str) -> dict:
    from nbgrader.api import Assignment, SubmittedAssignment, SubmittedNotebook
    from sqlalchemy.orm import selectinload

    notebooks = selectinload(SubmittedAssignment.notebooks)
    query = (gb.db.query(SubmittedAssignment)
             .join(Assignment, Assignment.id == SubmittedAssignment.assignment_id)
             .filter(Assignment.name == assignment_id)
             .options(notebooks.selectinload(SubmittedNotebook.grades),
                      notebooks.selectinload(SubmittedNotebook.comments),
                      notebooks.joinedload(SubmittedNotebook.notebook)))
    return {s.student_id: s for s in query.all()}


def apply_results(gb: Any, course: Any, assignment_id: str, plans: list, run: Any) -> None:
    """Write every prepared result of ``run`` into the gradebook and commit once."""
    from nbgrader.api import Student

    try:
        assignment = gb.find_assignment(assignment_id)
        known = {s.id for s in gb.db.query(Student.id).all()}
        submissions = _existing_submissions(gb, assignment_id)
        names: dict = {}
        for plan in plans:
            names.update(plan.cell_names)
        late = _Late(course)
        fresh: dict[str, list] = {"students": [], "submissions": [], "notebooks": [], "grades": [], "comments": []}
        with gb.db.no_autoflush:
            for result in run.results:
                if result.student not in known:
                    fresh["students"].append(Student(id=result.student))
                    known.add(result.student)
                submission = submissions.get(result.student)
                if submission is None:
                    submission, notebooks = _fresh_submission(assignment, result.student, result.timestamp)
                    seconds = _seconds_late(result.timestamp, assignment.duedate)
                    fresh["submissions"].append(submission)
                    for nb, grades, comments in notebooks.values():
                        fresh["notebooks"].append(nb)
                        fresh["grades"].extend(grades)
                        fresh["comments"].extend(comments)
                else:
                    if result.timestamp is not None:
                        submission.timestamp = result.timestamp
                    seconds = submission.total_seconds_late
                    notebooks = {nb.notebook.name: (nb, nb.grades, nb.comments) for nb in submission.notebooks}
                for outcome in result.notebooks:
                    if outcome.name in notebooks:
                        nb, grades, comments = notebooks[outcome.name]
                        _score_notebook(nb, grades, comments, names, outcome, seconds, late, result.student)
            for kind in ("students", "submissions", "notebooks", "grades", "comments"):
                if fresh[kind]:
                    gb.db.bulk_save_objects(fresh[kind])
        gb.db.commit()
    except Exception as exc:
        gb.db.rollback()
        raise GradingError(f"het gradebook kon niet bijgewerkt worden: {type(exc).__name__}: {exc}") from exc


def _seconds_late(timestamp: Any, duedate: Any) -> float:
    """``SubmittedAssignment.total_seconds_late`` of a new submission (no extension yet)."""
    if timestamp is None or duedate is None:
        return 0
    return max(0, (timestamp - duedate).total_seconds())
