"""``casuslab grade``: grade a whole cohort from the answers files, without a kernel.

For every ``submitted/<student>/<assignment>/`` it does what ``nbgrader
autograde`` records, through ``nbgrader.api`` and with nbgrader's own
``determine_grade`` on the very outputs the grading cells would print:

- the student and the submission (with the timestamp) in the gradebook;
- per grade cell: ``auto_score``, and ``needs_manual_grade`` exactly as
  nbgrader's SaveAutoGrades sets it (a cell a lecturer overrode is flagged for
  review; a manual score is never touched); task cells keep their manual grade;
- a missing notebook scores 0 on every cell, as in autograde;
- the late penalty through nbgrader's configured LateSubmissionPlugin;
- ``autograded/<student>/<assignment>/``: the notebook with the grading cells'
  outputs, the answers file, the timestamp and the source files, so formgrader
  and ``nbgrader generate_feedback`` work as after autograde. The notebook is
  rebuilt from the released cells (types and locked sources restored, as
  autograde's OverwriteCells does; cells the student added are dropped so
  formgrader never renders their HTML), see ``casuslab.grade.intake``;
- the submission time from ``timestamp.txt`` unless it was rewritten after the
  submission, or unreadable: then the files' time, as an error row (``intake``);
- student folders that are symlinks or have control characters in their name
  are refused (a row in the problems table).

Each submission is prepared in isolation: a broken one becomes a row in the
problems table and the rest of the cohort is graded. The gradebook is written
in one transaction at the end.
"""

from __future__ import annotations

import copy
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from casuslab import scoring
from casuslab.grade import intake
from casuslab.grade.course import Course
from casuslab.grade.plan import NotebookPlan, load_plan
from casuslab.student import grading

EXPECTED_FILES = {"timestamp.txt", "submission_secret.txt"}
MAX_NOTEBOOK_BYTES = 20_000_000


@dataclass
class Problem:
    student: str
    notebook: str
    what: str
    outcome: str
    graded: bool = True  # False: the submission (or notebook) could not be graded at all
    error: bool = False  # graded, but something the lecturer must check (e.g. the submission time)


@dataclass
class OpenAnswer:
    student: str
    notebook: str
    qid: str
    text: str | None
    question: dict
    status: str


@dataclass
class NotebookResult:
    name: str
    present: bool
    scores: dict[str, float] = field(default_factory=dict)  # grade cell -> auto score


@dataclass
class StudentResult:
    student: str
    timestamp: Any = None  # naive UTC datetime, or None
    notebooks: list[NotebookResult] = field(default_factory=list)


@dataclass
class GradeRun:
    assignment: str
    students: list[str] = field(default_factory=list)
    notebooks: list[str] = field(default_factory=list)
    results: list[StudentResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    open_answers: list[OpenAnswer] = field(default_factory=list)
    seconds: float = 0.0
    sheet: Path | None = None


# -- reading one submission -------------------------------------------------------------------


def _timestamp(folder: Path, student: str, run: GradeRun) -> tuple[Any, str | None]:
    """(UTC datetime or None, the text for autograded/timestamp.txt); see casuslab.grade.intake."""
    when, text, problem = intake.submission_time(folder)
    if problem:
        run.problems.append(Problem(student, "", problem, "beoordeeld; controleer het tijdstip en de aftrek "
                                    "wegens te laat", True, True))
    return when, text


def _unexpected(folder: Path, plans: list[NotebookPlan]) -> list[str]:
    known = set(EXPECTED_FILES)
    for plan in plans:
        known.update({f"{plan.name}.ipynb", f"{plan.name}.answers.json", f"{plan.name}.case.json"})
    try:
        names = sorted(p.name for p in folder.iterdir())
    except OSError:
        return []
    return [n for n in names if n not in known and not n.startswith(".")]


def _load_notebook(path: Path, fallback: dict) -> tuple[dict, str | None]:
    """The submitted notebook as JSON, or the released one with the reason."""
    try:
        if path.is_symlink() or not path.is_file():
            return copy.deepcopy(fallback), "het notebook is geen gewoon bestand"
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            return copy.deepcopy(fallback), "het notebook is te groot"
        data = json.loads(path.read_bytes().decode("utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
            raise ValueError("geen notebook")
        return data, None
    except Exception:
        return copy.deepcopy(fallback), "het notebook is beschadigd"


def _grading_outputs(cell_plan: Any, plan: NotebookPlan, doc: Any, error: str | None,
                     reports: dict) -> tuple[list, float | None]:
    if cell_plan.kind == "closed":
        report = None
        if isinstance(cell_plan.data, dict):
            token = id(cell_plan.data) if plan.shared_key is None else "shared"
            if token not in reports:
                reports[token] = scoring.score_document(dict(cell_plan.data, id=cell_plan.data.get("id", cell_plan.scenario)),
                                                        doc, error)
            report = reports[token]
        text, score = grading.closed_report(cell_plan.scenario, cell_plan.qid, cell_plan.data, doc, error, plan.case,
                                            report)
        return [{"name": "stdout", "output_type": "stream", "text": text + "\n"},
                {"data": {"text/plain": repr(float(score))}, "execution_count": None, "metadata": {},
                 "output_type": "execute_result"}], score
    text = grading.open_report(cell_plan.scenario, cell_plan.qid, cell_plan.data, doc, error)
    return [{"name": "stdout", "output_type": "stream", "text": text + "\n"}], None


def _autograde_score(cell: dict, points: float) -> float:
    """nbgrader's own verdict on the cell (``nbgrader.utils.determine_grade``)."""
    from nbformat.notebooknode import NotebookNode
    from nbgrader.utils import determine_grade

    node = NotebookNode(cell_type="code", outputs=[NotebookNode(o) for o in cell.get("outputs", [])],
                        metadata=NotebookNode(nbgrader=NotebookNode(grade=True, solution=False, points=points)))
    score, _ = determine_grade(node)
    return float(score)


def grade_notebook(plan: NotebookPlan, folder: Path, student: str, template: dict, run: GradeRun,
                   out: intake.Out) -> NotebookResult:
    """Score one submitted notebook and write its autograded copy."""
    path = folder / f"{plan.name}.ipynb"
    if not path.is_file():
        run.problems.append(Problem(student, plan.name, "notebook ontbreekt", "0 punten op elke vraag", False))
        return NotebookResult(plan.name, False)
    doc, error = grading.read_document(folder, plan.scenario)
    error = error or scoring.check_document({"id": plan.scenario}, doc)
    if error:
        run.problems.append(Problem(student, plan.name, grading.dutch_error(error), "0 punten op elke vraag"))
    nb, why = _load_notebook(path, template)
    if why:
        run.problems.append(Problem(student, plan.name, why, "beoordeeld uit het antwoordbestand; notebook vervangen "
                                    "door de uitgedeelde versie"))
    by_name = {c.name: c for c in plan.grade_cells}
    result = NotebookResult(plan.name, True)
    reports: dict = {}
    count = 0
    cells, dropped = intake.rebuild_cells(nb["cells"], template, plan.sources, plan.cell_types)
    nb = {"cells": cells, "metadata": intake.safe_metadata(template), "nbformat": template.get("nbformat", 4),
          "nbformat_minor": template.get("nbformat_minor", 5)}
    if dropped and not why:
        run.problems.append(Problem(student, plan.name, f"{dropped} cel(len) toegevoegd of van hun nbgrader-gegevens "
                                    "ontdaan", "weggelaten uit autograded/ (het origineel blijft in submitted/)"))
    for cell in nb["cells"]:
        name = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if cell.get("cell_type") != "code":
            continue
        count += 1
        cell["outputs"], cell["execution_count"] = [], count
        if name in by_name:
            outputs, _ = _grading_outputs(by_name[name], plan, doc, error, reports)
            for output in outputs:
                if output["output_type"] == "execute_result":
                    output["execution_count"] = count
            cell["outputs"] = outputs
            result.scores[name] = _autograde_score(cell, by_name[name].points)
    missing = [c.name for c in plan.grade_cells if c.name not in result.scores]
    for name in missing:  # a cell the student's notebook lost: graded from the answers all the same
        outputs, _ = _grading_outputs(by_name[name], plan, doc, error, reports)
        result.scores[name] = _autograde_score({"cell_type": "code", "metadata": {}, "outputs": outputs,
                                                "source": "", "execution_count": 1}, by_name[name].points)
    if missing:
        run.problems.append(Problem(student, plan.name, f"{len(missing)} beoordelingscel(len) ontbreken in het notebook",
                                    "beoordeeld uit het antwoordbestand"))
    out.write(f"{plan.name}.ipynb", (json.dumps(nb, ensure_ascii=False) + "\n").encode("utf-8"))
    answers = folder / f"{plan.scenario}.answers.json"
    if answers.is_file() and not answers.is_symlink() and answers.stat().st_size <= 100_000_000:
        out.copy(answers, answers.name)
    _collect_open(plan, student, doc, error, run)
    if not error and isinstance(doc, dict):
        _note_invalid(plan, [by_name[n] for n in result.scores if by_name[n].kind == "closed"], student, doc, run)
    return result


def _note_invalid(plan: NotebookPlan, cells: list, student: str, doc: dict, run: GradeRun) -> None:
    """One row per notebook naming every invalid answer (contract: reported for that student)."""
    answers = doc.get("answers") if isinstance(doc.get("answers"), dict) else {}
    found = []
    for cell in cells:
        key = dict(cell.data, id=cell.data.get("id", cell.scenario)) if isinstance(cell.data, dict) else {}
        question = grading.find_question(key, cell.qid)[1]
        value = answers.get(cell.qid)
        if question is not None and value is not None and scoring.score_question(question, value)[1] == scoring.INVALID:
            found.append((cell.qid, grading._invalid_reason(question, value)))
    if len(found) == 1:
        run.problems.append(Problem(student, plan.name, f"ongeldig antwoord op '{found[0][0]}'", f"0 punten: {found[0][1]}"))
    elif found:
        listed = ", ".join(f"'{qid}'" for qid, _ in found)
        run.problems.append(Problem(student, plan.name, f"ongeldige antwoorden op {listed}", "0 punten op die vragen"))


def _collect_open(plan: NotebookPlan, student: str, doc: Any, error: str | None, run: GradeRun) -> None:
    from casuslab import paths
    from casuslab.grade.result import NOT_REACHED

    readable = not error and isinstance(doc, dict) and isinstance(doc.get("answers"), dict)
    key = plan.shared_key
    on_path = set(paths.student_path(dict(key), doc["answers"])) if readable and key is not None else None
    for cell in plan.grade_cells:
        if cell.kind != "open":
            continue
        question = cell.data if isinstance(cell.data, dict) else {"id": cell.qid, "rubric": cell.data or []}
        value = None
        status = "unanswered"
        stage = grading.find_question(key, cell.qid)[0] if on_path is not None else None
        if stage is not None and stage.get("id") not in on_path:
            status = NOT_REACHED
        elif readable:
            value = doc["answers"].get(cell.qid)
            if isinstance(value, str) and value.strip():
                status = "answered"
            elif value is not None and not isinstance(value, str):
                status, value = "invalid", None
            else:
                value = None
        elif error:
            status = "unanswered" if error.startswith("no answers file") else "invalid"
        run.open_answers.append(OpenAnswer(student, plan.name, cell.qid, value, question, status))


def _copy_files(folder: Path, out: intake.Out, timestamp_text: str | None, source_files: list[tuple[Path, str]]) -> None:
    for name in ("submission_secret.txt",):
        src = folder / name
        if src.is_file() and not src.is_symlink() and src.stat().st_size < 10_000:
            out.copy(src, name)
    if timestamp_text is not None:
        out.write("timestamp.txt", timestamp_text.encode("utf-8"))
    for src, rel in source_files:  # autograde's "overwrite with the master versions"
        out.copy(src, rel)


def _source_files(course: Course, assignment: str) -> list[tuple[Path, str]]:
    from nbgrader.utils import find_all_files

    source = course.folder("source", ".", assignment)
    exclude = set((course.config.Autograde.get("exclude_overwriting", {}) or {}).get(assignment, []))
    files = []
    for name in find_all_files(str(source), list(course.coursedir.ignore) + ["*.ipynb"]):
        rel = Path(name).relative_to(source).as_posix()
        if rel not in exclude:
            files.append((Path(name), rel))
    return files


def _templates(course: Course, assignment: str, plans: list[NotebookPlan]) -> dict[str, dict]:
    templates = {}
    for plan in plans:
        for step in ("release", "source"):
            path = course.folder(step, ".", assignment) / f"{plan.name}.ipynb"
            try:
                templates[plan.name] = json.loads(path.read_text(encoding="utf-8"))
                break
            except (OSError, ValueError):
                continue
        templates.setdefault(plan.name, {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    return templates


def _submitted_base(course: Course) -> Path:
    return Path(course.coursedir.format_path(course.coursedir.submitted_directory, ".", ".")).resolve()


def submitted_students(course: Course, assignment: str) -> list[str]:
    """The student folders of ``submitted/`` that are graded (see casuslab.grade.intake)."""
    return intake.student_folders(_submitted_base(course), assignment)[0]


def prepare_student(course: Course, assignment: str, student: str, plans: list[NotebookPlan],
                    templates: dict, source_files: list, run: GradeRun) -> StudentResult | None:
    folder = course.folder("submitted", student, assignment)

    result = StudentResult(student)
    result.timestamp, stamp_text = _timestamp(folder, student, run)
    unexpected = _unexpected(folder, plans)
    if unexpected:
        shown = ", ".join(grading.clean(n)[:40] for n in unexpected[:5]) + (" ..." if len(unexpected) > 5 else "")
        run.problems.append(Problem(student, "", f"onverwachte bestanden: {shown}", "genegeerd"))
    if not any((folder / f"{plan.name}.ipynb").is_file() for plan in plans):
        # nbgrader autograde finds submissions by their notebooks: without any, it records nothing
        run.problems.append(Problem(student, "", "geen enkel notebook ingediend",
                                    "niet beoordeeld (niet in het gradebook, zoals bij nbgrader autograde)", False))
        return None
    out = intake.Out(course.folder("autograded", student, assignment))
    for plan in plans:
        result.notebooks.append(grade_notebook(plan, folder, student, templates[plan.name], run, out))
    _copy_files(folder, out, stamp_text, source_files)
    out.finish()
    return result


def grade_assignment(course: Course, assignment: str, progress: Callable[[int, int, str], None] | None = None) -> GradeRun:
    """Grade every submission of ``assignment`` into the gradebook; see the module doc."""
    from casuslab.grade.gradebook import apply_results

    started = time.perf_counter()
    run = GradeRun(assignment)
    with course.gradebook() as gb:
        plans = load_plan(gb, assignment, course.folder("source", ".", assignment))
        run.notebooks = [plan.name for plan in plans]
        templates = _templates(course, assignment, plans)
        source_files = _source_files(course, assignment)
        run.students, refused = intake.student_folders(_submitted_base(course), assignment)
        for name, why in refused:
            run.problems.append(Problem(intake.shown_name(name), "", f"map geweigerd: {why}", "niet beoordeeld", False))
        for i, student in enumerate(run.students):
            if progress:
                progress(i, len(run.students), student)
            try:
                result = prepare_student(course, assignment, student, plans, templates, source_files, run)
                if result is not None:
                    run.results.append(result)
            except Exception as exc:  # one broken submission never stops the cohort
                run.problems.append(Problem(student, "", f"kon niet gelezen worden ({type(exc).__name__}: "
                                            f"{grading.clean(exc)[:120]})", "niet beoordeeld", False))
        if progress:
            progress(len(run.students), len(run.students), "")
        apply_results(gb, course, assignment, plans, run)
    run.seconds = time.perf_counter() - started
    return run
