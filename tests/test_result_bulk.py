"""``build_results`` reads the gradebook in a few bulk column queries and gives exactly what a
straightforward per-student walk through nbgrader's ORM gives (late penalty, manual scores and
extra credit, a notebook missing from the submission or from the gradebook, off-path questions,
unreadable answers files, a student without a submission)."""

from __future__ import annotations

from decimal import Decimal

import pytest

import gradekit as kit
from casuslab import paths, scoring
from casuslab.grade.course import open_course
from casuslab.grade.result import (GRADED, INVALID, MANUAL, NOT_REACHED, QuestionResult, SubmissionResult,
                                   build_results, plan_maximum, to_decimal)

pytestmark = pytest.mark.nbgrader

MEMBERS = [("correct", None), ("wrong", None), ("partial", "missing-notebook"), ("random", "no-answers"),
           ("empty", "corrupt"), ("invalid", None), ("correct", "other-scenario"), ("partial", None)]
LATE = (1, 7)


# -- the reference: one student at a time, through nbgrader's ORM objects ------------------------

def _dec(value):
    return Decimal(0) if value is None else to_decimal(value, 4).normalize() + Decimal(0)


def _reference_answers(course, student, plan):
    from casuslab.student import grading

    if course is None:
        return None, True
    folder = course.folder("autograded", student, kit.ASSIGNMENT)
    if not (folder / f"{plan.scenario}.answers.json").exists():
        folder = course.folder("submitted", student, kit.ASSIGNMENT)
    doc, error = grading.read_document(folder, plan.scenario)
    error = error or scoring.check_document({"id": plan.scenario}, doc)
    return (doc["answers"], True) if not error else ({}, False)


def _reference_questions(plan, grades, answers, readable):
    from casuslab.build.notebook import cell_id
    from casuslab.student import grading

    key = dict(plan.shared_key) if plan.shared_key is not None else None
    on_path = set(paths.student_path(key, answers)) if key is not None and answers is not None else None
    found = []
    for cell in plan.grade_cells:
        data = cell.data if isinstance(cell.data, dict) else {}
        if cell.kind == "closed":
            stage, question = grading.find_question(dict(data, id=data.get("id", cell.scenario)), cell.qid)
            grade, maximum = grades.get(cell.name), _dec(cell.points)
        else:
            question = data if data.get("type") else dict(data, type="open")
            stage = grading.find_question(key, cell.qid)[0] if key is not None else None
            grade = grades.get(cell_id("task", cell.qid))
            maximum = _dec(plan.task_cells.get(cell_id("task", cell.qid), cell.points))
        if not readable:
            status = INVALID
        elif answers is None:
            status = MANUAL if cell.kind == "open" else GRADED
        elif on_path is not None and stage is not None and stage.get("id") not in on_path:
            status = NOT_REACHED
        elif question is not None:
            status = scoring.score_question(question, answers.get(cell.qid))[1]
        else:
            status = GRADED
        manual = grade is not None and grade.manual_score is not None
        extra = _dec(grade.extra_credit) if grade is not None else Decimal(0)
        raw = None if grade is None else (grade.manual_score if manual else grade.auto_score)
        if manual and status in (MANUAL, NOT_REACHED):
            status = GRADED
        elif status == MANUAL and grade is not None and not grade.needs_manual_grade and raw is not None:
            status = GRADED
        score = None if status in (MANUAL, NOT_REACHED) else _dec(raw) + extra
        found.append(QuestionResult(plan.name, cell.scenario, cell.qid, cell.kind, status, score, maximum, extra,
                                    manual))
    return found


def _reference(gb, course, plans, students=None):
    from nbgrader.api import MissingEntry

    maxima = tuple((plan.name, plan_maximum(plan)) for plan in plans)
    results = []
    for student in sorted(gb.students, key=lambda s: s.id):
        if students is not None and student.id not in students:
            continue
        who = dict(student=student.id, assignment=kit.ASSIGNMENT, first_name=student.first_name,
                   last_name=student.last_name, email=student.email, lms_user_id=student.lms_user_id,
                   path_max=sum((m for _, m in maxima), Decimal(0)), maxima=maxima)
        try:
            submission = gb.find_submission(kit.ASSIGNMENT, student.id)
        except MissingEntry:
            results.append(SubmissionResult(submitted=False, questions=(), **who))
            continue
        questions, penalties = [], []
        for plan in plans:
            try:
                nb = gb.find_submission_notebook(plan.name, kit.ASSIGNMENT, student.id)
            except MissingEntry:
                nb = None
            grades = {g.name: g for g in nb.grades} if nb is not None else {}
            penalties.append((plan.name, _dec(nb.late_submission_penalty) if nb is not None else Decimal(0)))
            answers, readable = _reference_answers(course, student.id, plan)
            questions += _reference_questions(plan, grades, answers, readable)
        results.append(SubmissionResult(submitted=True, questions=tuple(questions), timestamp=submission.timestamp,
                                        late_penalty=sum((p for _, p in penalties), Decimal(0)),
                                        penalties=tuple(penalties), **who))
    return results


# -- the cohort -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Two notebooks, eight submissions (two late, penalty 'zero'), graded, then a lecturer's work."""
    from nbgrader.api import Gradebook

    from casuslab.grade.fast import grade_assignment

    base = tmp_path_factory.mktemp("bulk")
    course = kit.assigned_course(base, second=True)
    with (course / "nbgrader_config.py").open("a", encoding="utf-8") as fh:
        fh.write('c.LateSubmissionPlugin.penalty_method = "zero"\n')
    students = kit.cohort(course, MEMBERS, sids=(kit.SID, kit.SECOND), late=LATE)
    grade_assignment(open_course(course), kit.ASSIGNMENT)
    kit.set_manual(course, "st0", "task-motivering", 5, "zwijgrecht=2")      # an open answer scored
    kit.set_manual(course, "st5", "q-reactie", 1.5)                          # a closed score overridden
    kit.set_manual(course, "st1", "task-motivering", 4)                      # late: the penalty stays
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", kit.COURSE_ID) as gb:
        gb.find_grade("q-reactie", kit.SID, kit.ASSIGNMENT, "st0").extra_credit = 0.25
        # a notebook the gradebook has no row for (added to the assignment after this student was graded)
        gone = gb.find_submission_notebook(kit.SECOND, kit.ASSIGNMENT, "st7")
        for row in list(gone.grades) + list(gone.comments) + [gone]:
            gb.db.delete(row)
        gb.db.commit()
        gb.update_or_create_student("zz-nooit", first_name="Nooit", last_name="Ingediend", email="n@x.be",
                                    lms_user_id="lms-9")
    return course, students


def _load(course):
    from nbgrader.api import Gradebook

    from casuslab.grade.plan import load_plan

    gb = Gradebook(f"sqlite:///{course / 'gradebook.db'}", kit.COURSE_ID)
    return gb, load_plan(gb, kit.ASSIGNMENT, course / "source" / kit.ASSIGNMENT)


def test_bulk_results_equal_the_per_student_reference(graded):
    course, students = graded
    handle = open_course(course)
    gb, plans = _load(course)
    try:
        for folder in (None, handle):   # from the gradebook alone, and with the answers files
            fast, slow = build_results(gb, folder, kit.ASSIGNMENT, plans), _reference(gb, folder, plans)
            assert [r.student for r in fast] == students + ["zz-nooit"]
            for got, want in zip(fast, slow):
                assert got == want, got.student
                assert [str(q.score) for q in got.questions] == [str(q.score) for q in want.questions]
        subset = {"st2", "zz-nooit", "onbekend"}
        assert build_results(gb, handle, kit.ASSIGNMENT, plans, subset) == _reference(gb, handle, plans, subset)
    finally:
        gb.close()

    # the cohort really holds every case the bulk path has to get right
    results = {r.student: r for r in fast}
    late = results["st7"]
    assert late.notebook_penalty(kit.SID) > 0 and late.raw_total > 0 and late.total == 0  # penalty "zero"
    assert results["st0"].late_penalty == 0 and results["st1"].timestamp > results["st0"].timestamp
    assert results["st0"].question(kit.SID, "motivering").manual and results["st1"].question(kit.SID, "motivering").manual
    assert results["st5"].question(kit.SID, "reactie").manual and results["st5"].question(kit.SID, "reactie").score == 1.5
    assert results["st0"].question(kit.SID, "reactie").extra_credit == Decimal("0.25")
    missing = [q for q in results["st2"].questions if q.notebook == kit.SID]  # no notebook: 0 on every cell
    assert {q.status for q in missing} <= {GRADED, NOT_REACHED} and all(q.score in (None, 0) for q in missing)
    assert {q.status for q in results["st4"].questions if q.notebook == kit.SID} == {INVALID}
    assert any(q.status == NOT_REACHED for q in results["st0"].questions)
    assert any(q.status == MANUAL for r in results.values() for q in r.questions)
    assert late.notebook_penalty(kit.SECOND) == 0 and not any(q.manual for q in late.questions)
    nooit = results["zz-nooit"]
    assert not nooit.submitted and (nooit.email, nooit.lms_user_id) == ("n@x.be", "lms-9")


def test_the_number_of_gradebook_queries_does_not_grow_with_the_cohort(graded):
    """The per-student walk asked the database twice per student and once per notebook; now a fixed few."""
    from sqlalchemy import event

    course, students = graded
    gb, plans = _load(course)
    statements = []

    def count(*_):
        statements.append(1)

    engine = gb.db.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        results = build_results(gb, open_course(course), kit.ASSIGNMENT, plans)
    finally:
        event.remove(engine, "before_cursor_execute", count)
        gb.close()
    assert len(results) == len(students) + 1
    assert 0 < len(statements) <= 5, len(statements)


def test_nbgrader_export_in_process_writes_what_nbgrader_export_writes(graded, tmp_path):
    from casuslab.grade.export import write_nbgrader_export

    course, _ = graded
    done = kit.nbgrader("export", f"--to={tmp_path / 'nbgrader.csv'}", cwd=course)
    assert done.returncode == 0, done.stdout + done.stderr
    write_nbgrader_export(open_course(course), tmp_path / "casuslab.csv")
    expected = (tmp_path / "nbgrader.csv").read_bytes()
    assert (tmp_path / "casuslab.csv").read_bytes() == expected
    assert expected.count(b"\n") == len(MEMBERS) + 2 and b"zz-nooit" in expected


def test_a_configured_export_plugin_still_runs_through_nbgrader_export(graded, tmp_path):
    import shutil

    from casuslab.grade.commands import run_export

    course = tmp_path / "course"
    shutil.copytree(graded[0], course)
    with (course / "nbgrader_config.py").open("a", encoding="utf-8") as fh:
        fh.write("from nbgrader.plugins.export import ExportPlugin\n\n\n"
                 "class EigenExport(ExportPlugin):\n"
                 "    def export(self, gradebook):\n"
                 "        with open(self.to, 'w', encoding='utf-8') as fh:\n"
                 "            fh.write('eigen,' + str(len(gradebook.students)) + '\\n')\n\n\n"
                 "c.ExportApp.plugin_class = EigenExport\n")
    assert run_export(course, kit.ASSIGNMENT) == 0
    assert (course / "reports" / kit.ASSIGNMENT / "nbgrader-export.csv").read_text(encoding="utf-8") == "eigen,9\n"
