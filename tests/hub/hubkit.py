"""The hub test's machinery: an installation made by deploy/setup.sh, its accounts and its hub.

``installation(...)`` is a context manager: it runs ``deploy/setup.sh --no-systemd``
into fresh folders (the shared environment is cached between runs in
``/var/cache/casuslab/env``), creates the students, starts the hub on free loopback
ports and, whatever happens, stops the hub, checks that no process of a test
account is left, and removes the accounts.
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

from casuslab.hub import accounts, runner

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
SID = "politie-aan-de-lijn"
ENV = Path(os.environ.get("CASUSLAB_HUB_ENV", "/var/cache/casuslab/env"))
COURSE = "hubtest"
ASSIGNMENT = "casus"
GROUP = "clt-users"
LECTURER = "clt-lect"
STUDENTS = ["clt-s1", "clt-s2", "clt-s3"]


@dataclass
class Install:
    base: Path
    hub: runner.Hub
    password: str
    gradebook: str
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
    def exchange(self) -> Path:
        return Path(self.settings["exchange"])

    def token(self, user: str) -> str:
        if user not in self.tokens:
            self.tokens[user] = self.hub.user_token(user)
        return self.tokens[user]

    def server(self, user: str, method: str, path: str, **kw) -> runner.Response:
        return runner.request(method, f"{self.hub.server_url(user)}{path}", self.token(user), **kw)

    # -- as a person at a terminal of the hub ------------------------------------
    def run_as(self, user: str, argv: list[str], cwd: str | None = None, check: bool = True):
        env = {"CASUSLAB_HUB_SETTINGS": str(self.hub.config_dir / "hub.json")}
        return accounts.run_as(user, argv, cwd=cwd, env=env, check=check,
                               path=f"{self.settings['prefix']}/bin:/usr/local/bin:/usr/bin:/bin")

    def casuslab(self, *args: str) -> str:
        """A casuslab command run by the lecturer in ~/casuslab (the course folder is course/)."""
        proc = self.run_as(LECTURER, [f"{self.settings['prefix']}/bin/casuslab", *args],
                           cwd=str(self.course_root.parent))
        return proc.stdout + proc.stderr

    def python_as(self, user: str, code: str) -> str:
        """Run Python as ``user`` with the shared environment; its stdout."""
        return self.run_as(user, [f"{self.settings['prefix']}/bin/python", "-c", code]).stdout

    # -- nbgrader's server extension, checked by the state it leaves (pitfall 5) -
    def fetch(self, student: str) -> Path:
        r = self.server(student, "POST", "/assignments/fetch",
                        form={"course_id": COURSE, "assignment_id": ASSIGNMENT})
        folder = Path(pwd.getpwnam(student).pw_dir) / COURSE / ASSIGNMENT
        assert (folder / f"{SID}.ipynb").is_file(), f"fetch left nothing for {student}: {r.status} {r.text[:500]}"
        return folder

    def submit(self, student: str) -> Path:
        before = set(self.inbound())
        r = self.server(student, "POST", "/assignments/submit",
                        form={"course_id": COURSE, "assignment_id": ASSIGNMENT})
        new = [p for p in self.inbound() if p not in before and p.name.startswith(f"{student}+{ASSIGNMENT}+")]
        assert len(new) == 1, f"submit of {student} left no folder in inbound: {r.status} {r.text[:500]}"
        assert new[0].stat().st_uid == pwd.getpwnam(student).pw_uid
        return new[0]

    def inbound(self) -> list[Path]:
        folder = self.exchange / COURSE / "inbound"
        return sorted(folder.iterdir()) if folder.is_dir() else []

    def write_answers(self, student: str, answers: dict, submitted: list[str]) -> None:
        """What the widgets write, through the student's own server (the contents API)."""
        doc = {"format": "casuslab/answers-v1", "scenario": SID, "submitted_stages": submitted,
               "answers": answers, "saved_at": {}}
        path = f"{COURSE}/{ASSIGNMENT}/{SID}.answers.json"
        self.server(student, "PUT", f"/api/contents/{path}",
                    data={"type": "file", "format": "text", "content": json.dumps(doc)})
        written = Path(pwd.getpwnam(student).pw_dir) / path
        assert json.loads(written.read_text())["answers"] == answers
        assert written.stat().st_uid == pwd.getpwnam(student).pw_uid


def setup_args(base: Path, gradebook: str, pg=None) -> list[str]:
    ports = [runner.free_port() for _ in range(3)]
    argv = ["bash", str(ROOT / "deploy" / "setup.sh"), "--no-systemd", "--no-apt",
            "--course", COURSE, "--lecturer", LECTURER, "--authenticator", "dummy", "--group", GROUP,
            "--prefix", str(ENV), "--config-dir", str(base / "etc"), "--state-dir", str(base / "state"),
            "--exchange", str(base / "srv" / "exchange"), "--bind-url", f"http://127.0.0.1:{ports[0]}",
            "--hub-port", str(ports[1]), "--proxy-port", str(ports[2]), "--gradebook", gradebook]
    if pg is not None:
        argv += ["--pg-host", "127.0.0.1", "--pg-port", str(pg.port), "--pg-socket", str(pg.socket_dir)]
    return argv


def setup_sh(argv: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, timeout=900)


def check_idempotent(base: Path, argv: list[str]) -> None:
    """The same command again changes nothing; other settings are refused before any change."""
    files = [base / "etc" / "hub.json", Path(pwd.getpwnam(LECTURER).pw_dir) / ".jupyter" / "nbgrader_config.py",
             ENV / "etc" / "jupyter" / "nbgrader_config.py"]
    before = [f.read_bytes() for f in files]
    again = setup_sh(argv)
    assert again.returncode == 0, again.stderr
    assert [f.read_bytes() for f in files] == before
    other = list(argv)
    other[other.index("--gradebook") + 1] = "postgresql" if "sqlite" in argv else "sqlite"
    refused = setup_sh(other)
    assert refused.returncode == 2 and "different settings" in refused.stderr and "gradebook" in refused.stderr
    assert [f.read_bytes() for f in files] == before


def remove_leftovers() -> None:
    """Accounts a crashed earlier run left (only those carrying the test's marks)."""
    for name in [*STUDENTS, LECTURER]:
        for mark in (accounts.DEMO_MARK, accounts.STAFF_MARK):
            if accounts.marked(name, mark):
                accounts.remove_account(name, mark)


def seed_course(install: Install) -> None:
    """The lecturer's course plan: the contract's example scenario as an exam."""
    workspace = install.course_root.parent
    (workspace / "scenarios" / "beroepsgeheim").mkdir(parents=True, exist_ok=True)
    shutil.copy(DATA / f"{SID}.yaml", workspace / "scenarios" / "beroepsgeheim" / f"{SID}.yaml")
    shutil.copy(DATA / "references.yaml", workspace / "scenarios" / "references.yaml")
    install.course_root.mkdir(parents=True, exist_ok=True)
    (install.course_root / "course.yaml").write_text(
        f"format: casuslab/course-v1\ncourse_id: {COURSE}\ntitle: Hubtest\nassignments:\n"
        f"  - id: {ASSIGNMENT}\n    mode: exam\n    scenarios: [{SID}]\n", encoding="utf-8")
    owner = pwd.getpwnam(LECTURER)
    subprocess.run(["chown", "-R", f"{owner.pw_uid}:{owner.pw_gid}", str(workspace)], check=True)


@contextlib.contextmanager
def installation(base: Path, gradebook: str, pg=None):
    remove_leftovers()
    made: list[str] = []
    hub = None
    t0 = time.perf_counter()
    try:
        argv = setup_args(base, gradebook, pg)
        done = setup_sh(argv)
        assert done.returncode == 0, f"setup.sh failed:\n{done.stdout}\n{done.stderr}"
        made.append(LECTURER)
        timings = {"setup": time.perf_counter() - t0}
        check_idempotent(base, argv)
        for student in STUDENTS:
            assert accounts.ensure_account(student, GROUP, accounts.DEMO_MARK)
            made.append(student)
        hub = runner.Hub(base / "etc", log_path=base / "hub.log")
        t = time.perf_counter()
        hub.start()
        timings["hub start"] = time.perf_counter() - t
        password = (base / "etc" / "dummy-password").read_text().strip()
        install = Install(base=base, hub=hub, password=password, gradebook=gradebook, pg=pg, timings=timings)
        seed_course(install)
        yield install
    finally:
        left = {}
        if hub is not None:
            hub.stop()
        for name in made:
            if accounts.exists(name):
                uid = pwd.getpwnam(name).pw_uid
                pids = accounts.processes_of(uid)
                if pids:
                    left[name] = pids
                    accounts.stop_processes(uid)
        for name in made:
            mark = accounts.STAFF_MARK if name == LECTURER else accounts.DEMO_MARK
            accounts.remove_account(name, mark)
        accounts.remove_group(GROUP)
        assert not left, f"user processes left running after the hub stopped: {left}"


def stage_answers() -> dict:
    """The answers each student gives, and the exact total `casuslab grade` must record.

    politie-aan-de-lijn: reactie 2, welke-regels 3 (partial), stappen 2 (pairs) or herstel 2,
    verplicht 1 (accept 1-2); motivering is open (lecturer). Path: b/c -> overleg, a -> klacht.
    """
    return {
        "clt-s2": ({"reactie": "b", "welke-regels": ["a", "c", "e"],
                    "stappen": ["wie", "wet", "overleg", "noteren"], "verplicht": 2,
                    "motivering": "Ik beroep me als getuige op mijn zwijgrecht en weeg af."},
                   ["telefoon", "overleg", "dagvaarding"], 8.0),
        "clt-s3": ({"reactie": "a", "welke-regels": ["a", "b", "c", "e"], "herstel": "a", "verplicht": 2},
                   ["telefoon", "klacht", "dagvaarding"], 5.0),
    }
