"""`make bench-hub`: ten students on a local JupyterHub made by deploy/setup.sh (run as root).

Measures what sizing needs, on this machine:

- the hub's own memory (hub, proxy, idle culler);
- the time to start N user servers in parallel, and each server's memory (idle);
- each student's memory with an idle kernel, and one kernel after a real Run All
  with the widgets in Chromium (the heaviest thing a student does);
- the full round trip: spawns, casuslab assign and release, N fetches, N answers,
  N submits, casuslab collect, casuslab grade, with the exact scores checked.

Memory is PSS (each process's share of shared pages: the sum is what the machine
really spends) and RSS (upper bound per user). Prints a table; --json writes the
figures. Every account it makes is removed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import pwd
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from casuslab.hub import accounts, harness
from casuslab.hub.browser import answer_first_stage

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SID = "politie-aan-de-lijn"
ASSIGNMENT = "casus"
ANSWERS = {"reactie": "b", "welke-regels": ["a", "c", "e"], "stappen": ["wie", "wet", "overleg", "noteren"],
           "verplicht": 2}
TOTAL = 8.0


def user_memory(inst, user: str) -> dict:
    return harness.memory(accounts.processes_of(pwd.getpwnam(user).pw_uid))


def measure(users: int) -> dict:
    students = [f"clb-s{i:02d}" for i in range(1, users + 1)]
    base = Path(tempfile.mkdtemp(prefix="casuslab-hubbench-", dir="/var/tmp"))
    os.chmod(base, 0o755)
    out: dict = {"users": users, "cpus": os.cpu_count(), "machine": platform.platform(),
                 "load_before": os.getloadavg()}
    try:
        with harness.installation(base, "hubbench", "clb-lect", students, "clb-users") as inst:
            harness.seed_course(inst, ASSIGNMENT, [DATA / f"{SID}.yaml"], DATA / "references.yaml")
            out["hub_start_s"] = round(inst.timings["hub start"], 1)
            out["hub_memory"] = harness.memory(harness.descendants(inst.hub.proc.pid))
            start = time.perf_counter()
            with inst.timed("spawn"):
                for user in [inst.lecturer, *students]:
                    inst.hub.spawn(user)
                inst.hub.wait_ready([inst.lecturer, *students], timeout=600)
            time.sleep(2)  # let the servers finish their start-up work
            idle = {s: user_memory(inst, s) for s in students}
            spawn_cpu = [harness.cpu_seconds(accounts.processes_of(pwd.getpwnam(s).pw_uid)) for s in students]
            out["spawn_cpu_s_mean"] = round(statistics.mean(spawn_cpu), 2)
            with inst.timed("assign + release"):
                inst.casuslab("assign", ASSIGNMENT)
                inst.casuslab("release", ASSIGNMENT)
            with inst.timed("fetch"):
                folders = {s: inst.fetch(s, ASSIGNMENT, f"{SID}.ipynb") for s in students}
            browser_student = students[0]  # gets the notebook's own kernel, in Chromium
            for s in students[1:]:  # an idle kernel each, as when the notebook is open
                inst.server(s, "POST", "/api/kernels", data={"name": "python3"})
            time.sleep(5)
            with_kernel = {s: user_memory(inst, s) for s in students[1:]}
            with inst.timed("browser: log in, Run All, answer a stage"):
                answer_first_stage(inst, browser_student, f"hubbench/{ASSIGNMENT}/{SID}.ipynb",
                                   folders[browser_student] / f"{SID}.answers.json")
            after_run_all = user_memory(inst, browser_student)
            with inst.timed("answers"):
                for s in students[1:]:
                    inst.write_answers(s, ASSIGNMENT, SID, ANSWERS, ["telefoon", "overleg", "dagvaarding"])
            with inst.timed("submit"):
                for s in students:
                    inst.submit(s, ASSIGNMENT)
            with inst.timed("collect"):
                inst.casuslab("collect", ASSIGNMENT)
            with inst.timed("grade"):
                inst.casuslab("grade", ASSIGNMENT)
            out["elapsed_s"] = round(time.perf_counter() - start, 1)  # with the measuring pauses
            path = ("spawn", "assign + release", "fetch", "browser: log in, Run All, answer a stage",
                    "answers", "submit", "collect", "grade")
            out["round_trip_s"] = round(sum(inst.timings[k] for k in path), 1)
            scores = json.loads(inst.python_as(inst.lecturer, f"""
import json, os
os.chdir({str(inst.course_root)!r})
from casuslab.grade.course import open_course
from nbgrader.api import Gradebook
c = open_course(".")
with Gradebook(c.db_url, c.course_id) as gb:
    print(json.dumps({{s.student.id: s.score for s in gb.assignment_submissions({ASSIGNMENT!r})}}))
""").strip().splitlines()[-1])
            expected = {s: TOTAL for s in students[1:]} | {browser_student: 4.0}
            out["scores_ok"] = scores == expected
            out["timings_s"] = {k: round(v, 1) for k, v in inst.timings.items()}
            out["server_idle"] = summary(idle)
            out["server_with_idle_kernel"] = summary(with_kernel)
            out["server_and_kernel_after_run_all"] = after_run_all
            out["per_user_idle"] = idle
            out["per_user_with_kernel"] = with_kernel
    finally:
        shutil.rmtree(base, ignore_errors=True)
    out["load_after"] = os.getloadavg()
    return out


def summary(per_user: dict) -> dict:
    pss = [m["pss_mib"] for m in per_user.values()]
    rss = [m["rss_mib"] for m in per_user.values()]
    return {"pss_mean_mib": round(statistics.mean(pss), 1), "pss_max_mib": max(pss),
            "rss_mean_mib": round(statistics.mean(rss), 1), "rss_max_mib": max(rss),
            "pss_total_mib": round(sum(pss), 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("hub_measure: run as root (it creates local accounts): sudo .venv/bin/python benchmarks/hub_measure.py",
              file=sys.stderr)
        return 2
    result = measure(args.users)
    t = result["timings_s"]
    print(f"\n{result['users']} students + 1 lecturer on {result['cpus']} cores "
          f"(load before {result['load_before'][0]:.1f})")
    print(f"  hub start                        {result['hub_start_s']:6.1f} s")
    print(f"  hub + proxy + culler memory      {result['hub_memory']['pss_mib']:6.1f} MiB PSS "
          f"({result['hub_memory']['rss_mib']} MiB RSS)")
    print(f"  {result['users'] + 1} servers started in parallel  {t['spawn']:6.1f} s "
          f"({result['spawn_cpu_s_mean']} s of CPU each)")
    for key, label in (("server_idle", "server, idle"), ("server_with_idle_kernel", "server + idle kernel")):
        m = result[key]
        print(f"  per student: {label:<20}{m['pss_mean_mib']:6.1f} MiB PSS mean, {m['pss_max_mib']} max "
              f"({m['rss_mean_mib']} MiB RSS mean)")
    print("  per student (MiB PSS / RSS): idle server | with an idle kernel")
    for user, m in result["per_user_idle"].items():
        k = result["per_user_with_kernel"].get(user)
        print(f"    {user}: {m['pss_mib']:6.1f} / {m['rss_mib']:6.1f} | "
              + (f"{k['pss_mib']:6.1f} / {k['rss_mib']:6.1f}" if k else "(its kernel: Run All below)"))
    m = result["server_and_kernel_after_run_all"]
    print(f"  one student after Run All (widgets) {m['pss_mib']:6.1f} MiB PSS ({m['rss_mib']} MiB RSS)")
    print(f"  full round trip                  {result['round_trip_s']:6.1f} s  ({json.dumps(t)})")
    print(f"  exact scores in the gradebook    {'yes' if result['scores_ok'] else 'NO'}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0 if result["scores_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
