"""A whole installation for a test or a benchmark: setup.sh, accounts, the hub, and teardown.

``installation(...)`` runs ``deploy/setup.sh --no-systemd`` into fresh folders under
``base`` (the shared environment is cached in ``/var/cache/casuslab/env``), creates
the students, starts the hub on free loopback ports and, whatever happens, stops
the hub, stops and reports any process a test account still runs, and removes the
accounts. Every action is checked by the state it leaves, not by a status code
(nbgrader's server API answers 200 for a failed fetch or submit: pitfall 5).
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from casuslab.hub import accounts, lockdown, runner

ROOT = Path(__file__).resolve().parents[3]
ENV = Path(os.environ.get("CASUSLAB_HUB_ENV", "/var/cache/casuslab/env"))


class HarnessError(AssertionError):
    pass


@dataclass
class Installation:
    base: Path
    hub: runner.Hub
    password: str
    course: str
    lecturer: str
    students: list
    gradebook: str = "sqlite"
    pg: object = None
    tokens: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)

    @property
    def settings(self) -> dict:
        return self.hub.settings

    @property
    def course_root(self) -> Path:
        return Path(self.settings["courses"][0]["root"])

    @property
    def source(self) -> Path:
        """The checkout setup.sh installed from (a copy of this one, closed to students)."""
        return self.base / "src"

    @property
    def exchange(self) -> Path:
        return Path(self.settings["exchange"])

    def home(self, user: str) -> Path:
        return Path(pwd.getpwnam(user).pw_dir)

    def token(self, user: str) -> str:
        if user not in self.tokens:
            self.tokens[user] = self.hub.user_token(user)
        return self.tokens[user]

    def server(self, user: str, method: str, path: str, **kw) -> runner.Response:
        return runner.request(method, f"{self.hub.server_url(user)}{path}", self.token(user), **kw)

    @contextlib.contextmanager
    def timed(self, name: str):
        t = time.perf_counter()
        yield
        self.timings[name] = time.perf_counter() - t

    # -- as a person at a terminal of the hub ----------------------------------------
    def run_as(self, user: str, argv: list[str], cwd: str | None = None, check: bool = True):
        env = {"CASUSLAB_HUB_SETTINGS": str(self.hub.config_dir / "hub.json")}
        return accounts.run_as(user, argv, cwd=cwd, env=env, check=check,
                               path=f"{self.settings['prefix']}/bin:/usr/local/bin:/usr/bin:/bin")

    def casuslab(self, *args: str) -> str:
        """A casuslab command run by the lecturer in ~/casuslab (the course folder is course/)."""
        proc = self.run_as(self.lecturer, [f"{self.settings['prefix']}/bin/casuslab", *args],
                           cwd=str(self.course_root.parent))
        return proc.stdout + proc.stderr

    def python_as(self, user: str, code: str) -> str:
        return self.run_as(user, [f"{self.settings['prefix']}/bin/python", "-c", code]).stdout

    # -- nbgrader's server extension in a student's server -------------------------
    def fetch(self, student: str, assignment: str, notebook: str) -> Path:
        r = self.server(student, "POST", "/assignments/fetch",
                        form={"course_id": self.course, "assignment_id": assignment})
        folder = self.home(student) / self.course / assignment
        if not (folder / notebook).is_file():
            raise HarnessError(f"fetch left nothing for {student}: {r.status} {r.text[:500]}")
        return folder

    def submit(self, student: str, assignment: str) -> Path:
        before = set(self.inbound())
        r = self.server(student, "POST", "/assignments/submit",
                        form={"course_id": self.course, "assignment_id": assignment})
        new = [p for p in self.inbound() if p not in before and p.name.startswith(f"{student}+{assignment}+")]
        if len(new) != 1 or new[0].stat().st_uid != pwd.getpwnam(student).pw_uid:
            raise HarnessError(f"submit of {student} left no folder of theirs in inbound: "
                               f"{r.status} {r.text[:500]}")
        return new[0]

    def inbound(self) -> list[Path]:
        folder = self.exchange / self.course / "inbound"
        return sorted(folder.iterdir()) if folder.is_dir() else []

    def write_answers(self, student: str, assignment: str, scenario: str, answers: dict,
                      submitted: list[str]) -> Path:
        """What the widgets write, through the student's own server (the contents API)."""
        doc = {"format": "casuslab/answers-v1", "scenario": scenario, "submitted_stages": submitted,
               "answers": answers, "saved_at": {}}
        path = f"{self.course}/{assignment}/{scenario}.answers.json"
        self.server(student, "PUT", f"/api/contents/{path}",
                    data={"type": "file", "format": "text", "content": json.dumps(doc)})
        written = self.home(student) / path
        try:
            ok = json.loads(written.read_text())["answers"] == answers
        except (OSError, ValueError, KeyError):
            ok = False
        if not ok or written.stat().st_uid != pwd.getpwnam(student).pw_uid:
            raise HarnessError(f"the answers of {student} did not reach {written}")
        return written


def seed_course(inst: Installation, assignment: str, scenarios: list[Path], references: Path,
                mode: str = "exam") -> None:
    """Give the lecturer a course plan with one assignment of these scenario files."""
    workspace = inst.course_root.parent
    folder = workspace / "scenarios" / "cases"
    folder.mkdir(parents=True, exist_ok=True)
    for path in scenarios:
        shutil.copy(path, folder / path.name)
    shutil.copy(references, workspace / "scenarios" / "references.yaml")
    inst.course_root.mkdir(parents=True, exist_ok=True)
    ids = ", ".join(p.stem for p in scenarios)
    (inst.course_root / "course.yaml").write_text(
        f"format: casuslab/course-v1\ncourse_id: {inst.course}\ntitle: {inst.course}\nassignments:\n"
        f"  - id: {assignment}\n    mode: {mode}\n    scenarios: [{ids}]\n", encoding="utf-8")
    owner = pwd.getpwnam(inst.lecturer)
    subprocess.run(["chown", "-R", f"{owner.pw_uid}:{owner.pw_gid}", str(workspace)], check=True)


def memory(pids: list[int]) -> dict:
    """Proportional (PSS) and resident (RSS) memory of these processes together, in MiB."""
    pss = rss = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
                    elif line.startswith("Rss:"):
                        rss += int(line.split()[1])
        except OSError:
            continue
    return {"pss_mib": round(pss / 1024, 1), "rss_mib": round(rss / 1024, 1), "processes": len(pids)}


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user + system) these processes used so far, waited-for children included."""
    ticks = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            ticks += sum(int(x) for x in fields[11:15])
        except (OSError, IndexError, ValueError):
            continue
    return ticks / os.sysconf("SC_CLK_TCK")


def descendants(root: int) -> list[int]:
    """``root`` and every process below it."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    parents[int(entry)] = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return found


TOP_LEVEL_IGNORE = {".git", ".venv", ".pytest_cache", "test-artifacts", "build", "dist", "node_modules"}


def checkout_copy(dest: Path, root: Path = ROOT) -> Path:
    """A copy of this checkout (without .git, the venv, build output) for setup.sh to install from.

    setup.sh closes the checkout it runs from to students (issue 9), so a test or demo gives
    it a copy rather than the developer's own working tree.
    """
    def ignore(folder: str, names: list[str]) -> set[str]:
        top = TOP_LEVEL_IGNORE if Path(folder) == root else set()
        return {n for n in names if n in top or n == "__pycache__" or n.endswith(".egg-info")}

    shutil.copytree(root, dest, ignore=ignore, symlinks=True, dirs_exist_ok=True)
    return dest


def setup_args(base: Path, course: str, lecturer: str, group: str, gradebook: str = "sqlite",
               pg=None) -> list[str]:
    """setup.sh's command line for a test installation under ``base`` (from the copy ``base/src``)."""
    ports = [runner.free_port() for _ in range(3)]
    argv = ["bash", str(base / "src" / "deploy" / "setup.sh"), "--no-systemd", "--no-apt",
            "--course", course, "--lecturer", lecturer, "--authenticator", "dummy", "--group", group,
            "--prefix", str(ENV), "--config-dir", str(base / "etc"), "--state-dir", str(base / "state"),
            "--exchange", str(base / "srv" / "exchange"), "--bind-url", f"http://127.0.0.1:{ports[0]}",
            "--hub-port", str(ports[1]), "--proxy-port", str(ports[2]), "--gradebook", gradebook]
    if pg is not None:
        argv += ["--pg-host", "127.0.0.1", "--pg-port", str(pg.port), "--pg-socket", str(pg.socket_dir)]
    return argv


def setup_sh(argv: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, timeout=1800)


def remove_leftovers(names: list[str]) -> None:
    """Accounts a crashed earlier run left (only those carrying casuslab's marks)."""
    for name in names:
        for mark in (accounts.DEMO_MARK, accounts.STAFF_MARK):
            if accounts.marked(name, mark):
                accounts.remove_account(name, mark)


@contextlib.contextmanager
def installation(base: Path, course: str, lecturer: str, students: list[str], group: str,
                 gradebook: str = "sqlite", pg=None, after_setup=None):
    """An installation with a running hub; on exit nothing of it is left running.

    ``after_setup(base, argv)`` runs right after setup.sh (the test checks idempotency there).
    Raises HarnessError on exit when a process of a test account outlived the hub.
    """
    remove_leftovers([*students, lecturer])
    before = {entry.pw_name for entry in pwd.getpwall()}
    made: list[str] = []
    hub = None
    failed = False
    t0 = time.perf_counter()
    try:
        checkout_copy(base / "src")
        argv = setup_args(base, course, lecturer, group, gradebook, pg)
        done = setup_sh(argv)
        if done.returncode != 0:
            raise HarnessError(f"setup.sh failed:\n{done.stdout}\n{done.stderr}")
        made.append(lecturer)
        timings = {"setup": time.perf_counter() - t0}
        if after_setup is not None:
            after_setup(base, argv)
        for student in students:
            accounts.ensure_account(student, group, accounts.DEMO_MARK)
            made.append(student)
        hub = runner.Hub(base / "etc", log_path=base / "hub.log")
        t = time.perf_counter()
        hub.start()
        timings["hub start"] = time.perf_counter() - t
        password = (base / "etc" / "dummy-password").read_text().strip()
        yield Installation(base=base, hub=hub, password=password, course=course, lecturer=lecturer,
                           students=list(students), gradebook=gradebook, pg=pg, timings=timings)
    except BaseException:
        failed = True
        raise
    finally:
        left = {}
        if hub is not None:
            hub.stop()
        try:  # staff accounts setup.sh made on the way (graders, grader-<course>)
            staff = [a for c in json.loads((base / "etc" / "hub.json").read_text())["courses"]
                     for a in [c["owner"], *c["graders"]]]
        except (OSError, ValueError, KeyError):
            staff = []
        made += [a for a in dict.fromkeys(staff) if a not in before and a not in made and accounts.exists(a)]
        # a kernel exits shortly after its server (ipykernel polls for its parent): grace period
        uids = [pwd.getpwnam(n).pw_uid for n in made if accounts.exists(n)]
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(accounts.processes_of(u) for u in uids):
            time.sleep(0.2)
        for name in made:
            if accounts.exists(name):
                uid = pwd.getpwnam(name).pw_uid
                pids = accounts.processes_of(uid)
                if pids:
                    left[name] = [accounts.describe(pid) for pid in pids]
                    accounts.stop_processes(uid)
        for name in made:
            accounts.remove_account(name, accounts.STAFF_MARK if name not in students else accounts.DEMO_MARK)
        accounts.remove_group(group)
        accounts.remove_group(lockdown.staff_group(group))
        if left and not failed:
            raise HarnessError(f"user processes left running after the hub stopped: {left}")
