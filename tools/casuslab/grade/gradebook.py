"""Writing ``casuslab grade``'s results into nbgrader's gradebook, as ``nbgrader autograde`` does.

Mirrors, through ``nbgrader.api``'s models:

- ``Autograde.init_assignment``: create the student, create or update the
  submission (timestamp), and give every cell of a missing notebook 0
  (``needs_manual_grade = False``);
- ``SaveAutoGrades``: ``auto_score`` per grade cell, ``needs_manual_grade`` when
  a manual score exists or there is no auto score; task comments get no auto
  comment. Manual scores and comments are never touched;
- ``AssignLatePenalties``: the configured plugin's penalty per notebook.

Everything happens in one session and is committed once.
"""

from __future__ import annotations

from typing import Any

from casuslab.errors import GradingError


def _new_submission(gb: Any, assignment: Any, student: Any, timestamp: Any) -> Any:
    """``Gradebook.add_submission`` without its commit: the submission with every grade and comment."""
    from nbgrader.api import Comment, Grade, SubmittedAssignment, SubmittedNotebook

    kwargs = {"timestamp": timestamp} if timestamp is not None else {}
    with gb.db.no_autoflush:
        submission = SubmittedAssignment(assignment=assignment, student=student, **kwargs)
        created: list = [submission]
        for notebook in assignment.notebooks:
            nb = SubmittedNotebook(notebook=notebook, assignment=submission)
            created.append(nb)
            for cell in notebook.grade_cells:
                created.append(Grade(cell_id=cell.id, notebook=nb))
            for cell in notebook.solution_cells:
                created.append(Comment(cell_id=cell.id, notebook=nb))
            for cell in notebook.task_cells:
                created.append(Comment(cell_id=cell.id, notebook=nb))
                created.append(Grade(cell_id=cell.id, notebook=nb))
        gb.db.add_all(created)
    return submission


def _late_plugin(course: Any) -> Any:
    from nbgrader.preprocessors import AssignLatePenalties

    pre = AssignLatePenalties(config=course.config)
    pre.init_plugin()
    return pre


def _penalty(pre: Any, student: str, score: float, seconds_late: float) -> float | None:
    penalty = pre.plugin_inst.late_submission_penalty(student, score, seconds_late)
    if penalty is None:
        return None
    return min(max(penalty, 0), score)  # AssignLatePenalties._check_late_penalty


def apply_results(gb: Any, course: Any, assignment_id: str, plans: list, run: Any) -> None:
    """Write every prepared result of ``run`` into the gradebook and commit once."""
    from nbgrader.api import Assignment, Student, SubmittedAssignment, SubmittedNotebook
    from sqlalchemy.orm import selectinload

    try:
        assignment = gb.find_assignment(assignment_id)
        students = {s.id: s for s in gb.db.query(Student).all()}
        notebooks = selectinload(SubmittedAssignment.notebooks)
        query = (gb.db.query(SubmittedAssignment)
                 .join(Assignment, Assignment.id == SubmittedAssignment.assignment_id)
                 .filter(Assignment.name == assignment_id)
                 .options(notebooks.selectinload(SubmittedNotebook.grades),
                          notebooks.selectinload(SubmittedNotebook.comments),
                          notebooks.joinedload(SubmittedNotebook.notebook)))
        submissions = {s.student_id: s for s in query.all()}
        names = {}
        for plan in plans:
            names.update(plan.cell_names)
        with gb.db.no_autoflush:
            _apply(gb, course, assignment, run, students, submissions, names)
        gb.db.commit()
    except Exception as exc:
        gb.db.rollback()
        raise GradingError(f"het gradebook kon niet bijgewerkt worden: {type(exc).__name__}: {exc}") from exc


def _apply(gb: Any, course: Any, assignment: Any, run: Any, students: dict, submissions: dict, names: dict) -> None:
    from nbgrader.api import Student

    late = None
    for result in run.results:
        student = students.get(result.student)
        if student is None:
            student = Student(id=result.student)
            gb.db.add(student)
            students[result.student] = student
        submission = submissions.get(result.student)
        if submission is None:
            submission = _new_submission(gb, assignment, student, result.timestamp)
            submissions[result.student] = submission
        elif result.timestamp is not None:
            submission.timestamp = result.timestamp
        by_notebook = {nb.notebook.name: nb for nb in submission.notebooks}
        for outcome in result.notebooks:
            nb = by_notebook.get(outcome.name)
            if nb is None:
                continue
            if not outcome.present:
                for grade in nb.grades:
                    grade.auto_score = 0
                    grade.needs_manual_grade = False
                continue
            total = 0.0
            for grade in nb.grades:
                name = names.get(grade.cell_id)
                if name in outcome.scores:
                    grade.auto_score = outcome.scores[name]
                    grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None
                value = grade.manual_score if grade.manual_score is not None else grade.auto_score
                total += (value or 0.0) + (grade.extra_credit or 0.0)
            for comment in nb.comments:
                if comment.cell_id in names:  # task cells: SaveAutoGrades sets no auto comment
                    comment.auto_comment = None
            nb.late_submission_penalty = None
            seconds = submission.total_seconds_late
            if seconds > 0:
                late = late or _late_plugin(course)
                nb.late_submission_penalty = _penalty(late, result.student, total, seconds)
