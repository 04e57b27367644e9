"""`make bench-report`: `casuslab report` on a graded cohort of 300 simulated students; target < 5 s.

Builds the grading benchmark's course (benchmarks/run.py: the contract example, generated
with the real `casuslab assign`), gives the assignment a deadline, writes N seeded
submissions (every answer profile, every tenth student a day late, with spread-out
``saved_at`` moments), adds five students who never submitted, grades them with
`casuslab grade`, scores a third of the open answers as a lecturer would (with rubric
levels in the comment), then times the `casuslab report` command as a separate process,
three times; the median counts. Prints the time and its ratio to the 5 s target, and the
in-process time of the report's data collection (``casuslab.report.collect``: gradebook and
answers files); exit 1 when the report fails or misses the target. ``--also export,feedback``
times those lecturer commands on the same cohort as well (three runs each; no target).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ASSIGNMENT, COURSE_ID, EXAMPLE, env, make_course  # noqa: E402  (the grading benchmark's cohort)

TARGET = 5.0
DUE = dt.datetime(2026, 12, 1, 10, 0)  # naive UTC, as nbgrader stores it


def spread_saved_at(folder: Path, sid: str, rng: random.Random) -> None:
    """Answers saved over 5-40 minutes, as a real student's file would be (the simulator stamps one moment)."""
    path = folder / f"{sid}.answers.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # a deliberately broken submission
    start = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=rng.randint(0, 600))
    span = rng.randint(5, 40)
    moments = sorted(rng.uniform(0, span) for _ in doc.get("answers", {}))
    doc["saved_at"] = {qid: (start + dt.timedelta(minutes=m)).isoformat(timespec="seconds")
                       for qid, m in zip(sorted(doc.get("answers", {})), moments)}
    path.write_text(json.dumps(doc), encoding="utf-8")


def cohort(course: Path, students: int) -> None:
    from nbgrader.api import Gradebook

    from casuslab.grade.commands import set_duedate
    from casuslab.grade.course import open_course
    from casuslab.grade.simulate import PROFILES, make_submission
    from casuslab.scenario.load import load_scenario
    from casuslab.scenario.spec import to_spec

    set_duedate(open_course(course), ASSIGNMENT, DUE)
    spec = to_spec(load_scenario(EXAMPLE).model)
    for i in range(students):
        rng = random.Random(i)
        when = dt.datetime(2026, 12, 2 if i % 10 == 9 else 1, 9, 0, tzinfo=dt.timezone.utc)
        folder = make_submission(course, f"s{i:04d}", ASSIGNMENT, [spec], PROFILES[i % len(PROFILES)], rng, when=when)
        spread_saved_at(folder, spec["id"], rng)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE_ID) as gb:
        for i in range(5):
            gb.update_or_create_student(f"afwezig{i}", first_name="Niet", last_name=f"Ingediend {i}")


def score_open_answers(course: Path, students: int) -> None:
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE_ID) as gb:
        for i in range(0, students, 3):
            try:
                grade = gb.find_grade("task-motivering", EXAMPLE.stem, ASSIGNMENT, f"s{i:04d}")
                comment = gb.find_comment("task-motivering", EXAMPLE.stem, ASSIGNMENT, f"s{i:04d}")
            except MissingEntry:
                continue
            levels = (i // 3) % 3
            grade.manual_score = float(levels + levels + min(levels, 1))
            grade.needs_manual_grade = False
            comment.manual_comment = f"zwijgrecht={levels}; afweging={levels}; kader={min(levels, 1)}"
        gb.db.commit()


def timed_command(base: Path, course: Path, command: str) -> tuple[float, list[float]]:
    """The median and the runs of ``casuslab COMMAND`` as a separate process (three runs)."""
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "casuslab.cli", command, ASSIGNMENT, "--course", str(course)],
                              cwd=base, env=env(), capture_output=True, text=True)
        runs.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise RuntimeError(f"casuslab {command} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return statistics.median(runs), runs


def collect_time(course: Path) -> float:
    """The median of three in-process runs of the report's data collection (imports already done)."""
    from casuslab.grade.course import open_course
    from casuslab.report.collect import collect

    handle = open_course(course)
    collect(handle, ASSIGNMENT)  # imports and the file system cache, as in the command's process
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        collect(handle, ASSIGNMENT)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark folder")
    parser.add_argument("--also", default="", help="more commands to time, comma-separated: export, feedback")
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="casuslab-report-bench-"))
    try:
        print(f"course and {args.students} graded submissions in {base} ...", flush=True)
        course = make_course(base, EXAMPLE)
        cohort(course, args.students)
        done = subprocess.run([sys.executable, "-m", "casuslab.cli", "grade", ASSIGNMENT, "--course", str(course)],
                              cwd=base, env=env(), capture_output=True, text=True)
        if done.returncode != 0:
            print(done.stdout[-3000:], done.stderr[-3000:])
            return 1
        score_open_answers(course, args.students)
        print("casuslab report (three runs; the median counts) ...", flush=True)
        runs, pages = [], set()
        for _ in range(3):
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "casuslab.cli", "report", ASSIGNMENT, "--course", str(course)],
                                  cwd=base, env=env(), capture_output=True, text=True)
            runs.append(time.perf_counter() - started)
            if done.returncode != 0:
                print(done.stdout[-3000:], done.stderr[-3000:])
                return 1
            pages.add((course / "reports" / f"{ASSIGNMENT}-rapport.html").read_bytes())
        wall = statistics.median(runs)
        page = next(iter(pages))
        gathering = collect_time(course)
        try:
            others = [(name, *timed_command(base, course, name)) for name in filter(None, args.also.split(","))]
        except RuntimeError as exc:
            print(exc)
            return 1
        print()
        print(f"students:         {args.students} graded + 5 without a submission ({os.cpu_count()} cores)")
        print(f"casuslab report:  {wall:6.2f} s wall (runs: {', '.join(f'{r:.2f}' for r in runs)} s)")
        print(f"data collection:  {gathering:6.2f} s in-process (gradebook and answers files)")
        for name, median, times in others:
            print(f"casuslab {name + ':':9}{median:6.2f} s wall (runs: {', '.join(f'{r:.2f}' for r in times)} s)")
        print(f"target:           {TARGET:6.2f} s  -> {wall / TARGET:.2f} of the target "
              f"({'OK' if wall < TARGET else 'TOO SLOW'})")
        print(f"page:             {len(page) / 1024:.0f} KB, {page.count(b'<svg')} plots, "
              f"identical in every run: {'yes' if len(pages) == 1 else 'NO'}")
        return 0 if wall < TARGET and len(pages) == 1 else 1
    finally:
        if args.keep:
            print(f"kept: {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
