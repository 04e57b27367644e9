"""`make bench`: `nbgrader autograde` against `casuslab grade` on the same cohort, in the same run.

Builds a course with one scenario (the contract example unless --scenario is given),
generates the assignment with the real `casuslab assign`, writes N seeded submissions
(every answer profile) into two identical copies of the course, then times

    nbgrader autograde A         (copy a: a kernel per notebook)
    casuslab grade A             (copy b: the answers files, no kernel)

as separate processes, checks that every grade cell got the same score in both
gradebooks, and prints the ratio, the wall time and the peak memory of each. Peak
memory is the largest resident set of the process tree (GNU time's %M when
available, else getrusage of the children).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "tests" / "data" / "politie-aan-de-lijn.yaml"
ASSIGNMENT = "bench"
COURSE_ID = "casuslab-bench"


def env() -> dict:
    from casuslab.grade.course import nbgrader_env

    found = nbgrader_env()
    found["COLUMNS"] = "200"
    return found


def timed(command: list[str], cwd: Path) -> tuple[float, int, subprocess.CompletedProcess]:
    """(wall seconds, peak RSS in KB, the finished process)."""
    gnu_time = shutil.which("time") if Path("/usr/bin/time").exists() else None
    report = cwd / ".peak-rss"
    if gnu_time:
        command = ["/usr/bin/time", "-f", "%M", "-o", str(report), *command]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env(), capture_output=True, text=True)
    wall = time.perf_counter() - started
    if gnu_time and report.is_file():
        peak = int(report.read_text().strip().splitlines()[-1])
    else:
        peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return wall, peak, done


def make_course(base: Path, scenario: Path) -> Path:
    scenarios = base / "scenarios"
    scenarios.mkdir(parents=True)
    shutil.copy(scenario, scenarios / scenario.name)
    for folder in (scenario.parent, *scenario.parents):
        if (folder / "references.yaml").is_file():
            shutil.copy(folder / "references.yaml", scenarios / "references.yaml")
            break
    course = base / "course"
    course.mkdir()
    (course / "course.yaml").write_text(
        f"format: casuslab/course-v1\ncourse_id: {COURSE_ID}\ntitle: Benchmark\nassignments:\n"
        f"  - id: {ASSIGNMENT}\n    mode: exam\n    scenarios: [{scenario.stem}]\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "casuslab.cli", "assign", ASSIGNMENT, "--course", str(course)],
                          cwd=base, env=env(), capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"casuslab assign failed:\n{done.stdout}{done.stderr}")
    return course


def scores(course: Path) -> dict:
    from nbgrader.api import Gradebook

    found = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE_ID) as gb:
        for sub in gb.assignment_submissions(ASSIGNMENT):
            for nb in sub.notebooks:
                for grade in nb.grades:
                    found[(sub.student_id, nb.name, grade.name)] = (grade.auto_score, grade.needs_manual_grade)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--scenario", type=Path, default=EXAMPLE)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark folder")
    args = parser.parse_args()

    from casuslab.grade.simulate import PROFILES, make_submission
    from casuslab.scenario.load import load_scenario
    from casuslab.scenario.spec import to_spec

    base = Path(tempfile.mkdtemp(prefix="casuslab-bench-"))
    try:
        print(f"course and {args.students} submissions of {args.scenario.stem} in {base} ...", flush=True)
        template = make_course(base / "a", args.scenario)
        spec = to_spec(load_scenario(args.scenario).model)
        for i in range(args.students):
            make_submission(template, f"s{i:04d}", ASSIGNMENT, [spec], PROFILES[i % len(PROFILES)], random.Random(i))
        for copy in ("b1", "b2", "b3"):
            shutil.copytree(base / "a", base / copy, symlinks=True)
        a = base / "a" / "course"

        print("nbgrader autograde ...", flush=True)
        slow, slow_mem, done = timed([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT], a)
        if done.returncode != 0:
            print(done.stderr[-3000:])
            return 1
        print("casuslab grade (three times, each on its own copy; the median counts) ...", flush=True)
        runs = []
        for copy in ("b1", "b2", "b3"):
            b = base / copy / "course"
            wall, mem, done = timed([sys.executable, "-m", "casuslab.cli", "grade", ASSIGNMENT, "--course", str(b)], b)
            if done.returncode != 0:
                print(done.stdout[-3000:], done.stderr[-3000:])
                return 1
            runs.append((wall, mem, b))
        fast, fast_mem, b = sorted(runs)[1]

        want = scores(a)
        got = scores(b)
        same = all(scores(run_b) == want for _, _, run_b in runs)
        cells = len(want)
        print()
        print(f"submissions:        {args.students} ({cells} grade cells, {os.cpu_count()} cores)")
        print(f"nbgrader autograde: {slow:8.1f} s wall, peak {slow_mem / 1024:6.0f} MB")
        print(f"casuslab grade:     {fast:8.1f} s wall, peak {fast_mem / 1024:6.0f} MB"
              f"  (runs: {', '.join(f'{w:.1f}' for w, _, _ in runs)} s)")
        print(f"ratio:              {slow / fast:8.1f} x faster")
        print(f"scores identical:   {'yes' if same else 'NO'}")
        if not same:
            diff = sorted(k for k in set(want) | set(got) if want.get(k) != got.get(k))[:10]
            for key in diff:
                print(f"  {key}: autograde {want.get(key)} casuslab {got.get(key)}")
            return 1
        return 0
    finally:
        if args.keep:
            print(f"kept: {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
