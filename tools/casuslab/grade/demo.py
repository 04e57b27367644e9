"""``casuslab demo``: the lecturer's whole path on a throw-away copy of the course.

1. build and generate (``casuslab assign``), 2. release (nbgrader's exchange, in a
folder of the copy), 3. simulated students fetch, answer (seeded: every profile,
every branch, some broken submissions) and submit through nbgrader's exchange,
4. collect, 5. grade (the fast path), 6. pre-score (the rubric sheet; the demo
also plays lecturer and accepts some suggestions, as one would in formgrader),
7. feedback, 8. export, 9. the class report. It prints where every output is. Offline; nothing
outside the copy is touched.
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from casuslab.errors import GradingError, InputError, Location

EXAMPLE = "politie-aan-de-lijn"
BROKEN = ["corrupt", "missing-notebook", "bad-timestamp", "huge", "unexpected-files", "script", "other-scenario",
          "no-answers"]


def _copy_course(course_dir: Path, target: Path) -> tuple[Path, str]:
    """The copy's course folder and the assignment the demo runs."""
    course_dir = Path(course_dir).resolve()
    repo = course_dir.parent
    scenarios = repo / "scenarios"
    for name in ("scenarios", "grading"):
        if (repo / name).is_dir():
            shutil.copytree(repo / name, target / name, ignore=shutil.ignore_patterns(".*", "__pycache__"))
    course = target / "course"
    course.mkdir(parents=True)
    plan = course_dir / "course.yaml"
    if plan.is_file():
        shutil.copy(plan, course / "course.yaml")
        from casuslab.scenario.load import load_course

        model = load_course(course / "course.yaml").model
        if model is None:
            raise InputError("course.yaml is ongeldig (casuslab lint)", Location(str(plan)))
        return course, _richest(model, target / "scenarios")
    # no course plan yet: a course with the contract's example scenario
    found = sorted(scenarios.rglob(f"{EXAMPLE}.yaml")) if scenarios.is_dir() else []
    example = found[0] if found else repo / "tests" / "data" / f"{EXAMPLE}.yaml"
    if not example.is_file():
        raise InputError("geen course.yaml en geen voorbeeldscenario gevonden", Location(str(plan)))
    (target / "scenarios").mkdir(exist_ok=True)
    if not found:
        shutil.copy(example, target / "scenarios" / example.name)
        refs = example.parent / "references.yaml"
        if refs.is_file() and not (target / "scenarios" / "references.yaml").exists():
            shutil.copy(refs, target / "scenarios" / "references.yaml")
    (course / "course.yaml").write_text(
        "format: casuslab/course-v1\ncourse_id: casuslab-demo\ntitle: Demo\nassignments:\n"
        f"  - id: demo\n    mode: exam\n    scenarios: [{EXAMPLE}]\n", encoding="utf-8")
    return course, "demo"


def _richest(model, scenarios: Path) -> str:
    """The assignment with the most paths through its scenarios (branches to show); an exam on a tie."""
    from casuslab import paths
    from casuslab.build.checks import find_scenarios
    from casuslab.scenario.load import load_scenario
    from casuslab.scenario.spec import to_spec

    found = find_scenarios(scenarios) if scenarios.is_dir() else {}

    def count(assignment) -> int:
        total = 0
        for sid in assignment.scenarios:
            loaded = load_scenario(found[sid]) if sid in found else None
            if loaded is not None and loaded.model is not None:
                total += len(list(paths.all_paths(to_spec(loaded.model))))
        return total

    return max(model.assignments, key=lambda a: (count(a), a.mode == "exam")).id


def _exchange_config(work: Path) -> None:
    """An nbgrader exchange inside the copy, for this process and every nbgrader it starts."""
    config_dir = work / "jupyter-config"
    config_dir.mkdir()
    exchange = work / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)
    (config_dir / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa: F821\n"
        f"c.Exchange.root = {str(exchange)!r}\n"
        f"c.Exchange.cache = {str(work / 'exchange-cache')!r}\n"
        "# every simulated student is this one OS account\n"
        "c.CollectApp.check_owner = False\n", encoding="utf-8")
    os.environ["JUPYTER_CONFIG_DIR"] = str(config_dir)


def _student_plan(n: int) -> list[tuple[str, str, str | None]]:
    """(student, profile, breakage): every profile, then random ones; some broken."""
    from casuslab.grade.simulate import PROFILES

    rng = random.Random(2026)
    plan = []
    for i in range(n):
        profile = PROFILES[i] if i < len(PROFILES) else rng.choice(["random", "random", "correct", "partial", "wrong"])
        breakage = BROKEN[(i - len(PROFILES)) // 2] if i >= len(PROFILES) and (i - len(PROFILES)) % 2 == 0 \
            and (i - len(PROFILES)) // 2 < len(BROKEN) else None
        plan.append((f"student{i + 1:02d}", profile, breakage))
    return plan


def _simulate_students(course, assignment: str, specs: list[dict], plan, work: Path) -> list[str]:
    """Fetch, answer and submit through nbgrader's exchange, in this process (no start-up per student)."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange.default import ExchangeFetchAssignment, ExchangeSubmit
    from traitlets.config import Config

    from casuslab.grade.simulate import break_submission, write_answers

    failed = []
    for i, (student, profile, breakage) in enumerate(plan):
        home = work / "students" / student
        home.mkdir(parents=True)
        config = Config(course.config)
        config.CourseDirectory.assignment_id = assignment
        config.CourseDirectory.student_id = student
        config.Exchange.assignment_dir = str(home)
        config.Exchange.cache = str(home / ".cache")
        try:
            coursedir = CourseDirectory(config=config)
            auth = Authenticator(config=config)
            ExchangeFetchAssignment(coursedir=coursedir, authenticator=auth, config=config).start()
            folder = home / assignment
            rng = random.Random(i)
            for spec in specs:
                write_answers(folder, spec, profile, rng, breakage)
            if breakage != "bad-timestamp":
                break_submission(folder, [s["id"] for s in specs], breakage)
            ExchangeSubmit(coursedir=CourseDirectory(config=config), authenticator=auth, config=config).start()
        except Exception as exc:  # a simulated student who could not submit is reported, not fatal
            failed.append(f"{student}: {exc}")
    return failed


def _play_lecturer(course, assignment: str, run) -> int:
    """Accept the pre-scorer's suggestion for every other answered open question (as in formgrader)."""
    from casuslab import rubric
    from casuslab.build.notebook import cell_id

    accepted = 0
    with course.gradebook() as gb:
        for i, answer in enumerate(a for a in run.open_answers if a.status == "answered"):
            if i % 2:
                continue
            suggestions = rubric.suggest(answer.question, answer.text)
            levels = {cid: s.level for cid, s in suggestions.items() if s.level is not None}
            grade = gb.find_grade(cell_id("task", answer.qid), answer.notebook, assignment, answer.student)
            grade.manual_score = float(sum(levels.values()))
            grade.needs_manual_grade = False
            comment = gb.find_comment(cell_id("task", answer.qid), answer.notebook, assignment, answer.student)
            comment.manual_comment = "; ".join(f"{k}={v}" for k, v in levels.items()) + "\n@afweging"
            accepted += 1
        gb.db.commit()
    return accepted


def run_demo(course_dir: Path, students: int = 30, keep: Path | None = None) -> int:
    from casuslab.grade import commands
    from casuslab.grade.course import open_course
    from casuslab.grade.fast import grade_assignment
    from casuslab.grade.sheet import write_rubric_sheet

    started = time.perf_counter()
    if keep is not None:
        work = Path(keep).resolve()
        if work.exists() and any(work.iterdir()):
            raise InputError("de map bestaat al en is niet leeg; kies een nieuwe map", Location(str(work)))
        work.mkdir(parents=True, exist_ok=True)
    else:
        work = Path(tempfile.mkdtemp(prefix="casuslab-demo-"))
    step = _stepper(started)
    course_path, assignment = _copy_course(Path(course_dir), work)
    _exchange_config(work)
    step(f"wegwerpkopie van de cursus in {work}; opdracht '{assignment}'")

    commands.run_assign(course_path, assignment, work / "scenarios")
    step("1. gebouwd en klaargezet (nbgrader generate_assignment)")
    commands.run_release(course_path, assignment)
    step("2. vrijgegeven (nbgrader release_assignment)")

    course = open_course(course_path)
    with course.gradebook() as gb:
        notebooks = [nb.name for nb in gb.find_assignment(assignment).notebooks]
    specs = [course.scenario_spec(name) for name in notebooks]
    if any(s is None for s in specs):
        raise GradingError("een scenario van de opdracht kon niet geladen worden")
    plan = _student_plan(students)
    failed = _simulate_students(course, assignment, specs, plan, work)
    step(f"3. {len(plan) - len(failed)} gesimuleerde studenten haalden de opdracht op en dienden in "
         f"(nbgrader fetch_assignment en submit)")
    commands.run_collect(course_path, assignment)
    for student, _, breakage in plan:  # a garbled timestamp, as the exchange never writes one
        stamp = course.folder("submitted", student, assignment) / "timestamp.txt"
        if breakage == "bad-timestamp" and stamp.is_file():
            stamp.write_text("gisteren rond middernacht", encoding="utf-8")
    step("4. opgehaald (nbgrader collect)")

    run = grade_assignment(course, assignment)
    commands.print_run(run, commands._console())
    step("5. beoordeeld zonder kernel (casuslab grade)")
    run.sheet = write_rubric_sheet(course, assignment, run)
    accepted = _play_lecturer(course, assignment, run)
    step(f"6. voorbeoordeeld: rubriekblad; de demo speelde docent en nam {accepted} suggesties over")
    commands.run_feedback(course_path, assignment)
    step("7. feedback (nbgrader generate_feedback + casuslab-pagina's)")
    commands.run_export(course_path, assignment)
    step("8. geëxporteerd")
    from casuslab.report.command import write_report

    write_report(course, assignment)
    step("9. klasrapport (casuslab report)")
    _print_outputs(work, course_path, assignment, run, failed, specs, plan)
    return 0


def _stepper(started: float):
    def step(message: str) -> None:
        print(f"[{time.perf_counter() - started:5.1f} s] {message}", flush=True)
    return step


def _print_outputs(work: Path, course: Path, assignment: str, run, failed, specs, plan) -> None:
    from casuslab import paths

    first = next((p for p in sorted((course / "feedback_casuslab").rglob("*.html"))), None)
    print("\nKlaar. Alles staat in de wegwerpkopie:")
    print(f"  gradebook (nbgrader):      {course / 'gradebook.db'}")
    print(f"  beoordeelde notebooks:     {course / 'autograded'}")
    print(f"  rubriekblad:               {run.sheet}")
    print(f"  feedback (casuslab):       {course / 'feedback_casuslab'}" + (f"  bv. {first}" if first else ""))
    print(f"  feedback (nbgrader):       {course / 'feedback'}")
    print(f"  punten (Excel):            {course / 'reports' / assignment / f'punten-{assignment}.csv'}")
    print(f"  nbgrader export:           {course / 'reports' / assignment / 'nbgrader-export.csv'}")
    print(f"  klasrapport:               {course / 'reports' / f'{assignment}-rapport.html'}")
    if failed:
        print("  niet ingediend: " + "; ".join(failed))
    branches = []
    for spec in specs:
        seen = {tuple(paths.student_path(spec, _answers(course, s, assignment, spec["id"]))) for s, _, _ in plan}
        branches.append(f"{spec['id']}: {len(seen)} van {len(list(paths.all_paths(spec)))} paden")
    print("  bereikte paden: " + "; ".join(branches))
    print("\nFormgrader (manueel beoordelen) openen:")
    print(f"  cd {course} && JUPYTER_CONFIG_DIR={work / 'jupyter-config'} {Path(sys.executable).parent / 'jupyter'} lab")
    print("  en kies in JupyterLab het menu Nbgrader > Formgrader.")


def _answers(course: Path, student: str, assignment: str, sid: str) -> dict:
    from casuslab.student.grading import read_document

    doc, _ = read_document(course / "submitted" / student / assignment, sid)
    answers = doc.get("answers") if isinstance(doc, dict) else None
    return answers if isinstance(answers, dict) else {}
