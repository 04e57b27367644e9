"""What an installation is: one JSON file, ``<config-dir>/hub.json``.

``deploy/setup.sh`` turns its options into a ``Settings`` and compares it with the
file an earlier run left. The same settings again: nothing changes (idempotent).
A new course: it is added. Anything else that differs: the run is refused, with
the differences listed, before anything on the machine is touched.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

FORMAT = "casuslab/hub-v1"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
ACCOUNT = re.compile(r"^[a-z_][a-z0-9_-]{2,31}$")  # hub role names need >= 3 characters


class SettingsError(Exception):
    """The options or an existing installation do not allow this run."""


@dataclass
class Course:
    id: str
    mode: str  # "lecturer": formgrader in the lecturer's own server; "service": a shared hub service
    owner: str  # the account whose home holds the course folder
    graders: list[str]  # accounts that may grade (mode "service"); [owner] in mode "lecturer"
    gradebook: str  # "sqlite" or "postgresql"
    root: str  # the nbgrader course folder
    service_port: int = 0  # mode "service": where the formgrader service listens


@dataclass
class Settings:
    prefix: str = "/opt/casuslab"
    config_dir: str = "/etc/casuslab"
    state_dir: str = "/var/lib/casuslab"
    exchange: str = "/srv/casuslab/exchange"
    bind_url: str = "http://127.0.0.1:8000"
    hub_port: int = 8081
    proxy_port: int = 8001
    authenticator: str = "pam"  # "pam" in production; "dummy" only for tests and the demo
    group: str = "casuslab"  # every hub user belongs to this UNIX group
    idle_timeout: int = 3600
    systemd: bool = True
    postgres: dict = field(default_factory=dict)  # {"host", "port", "socket_dir"} when a gradebook uses it
    courses: list[Course] = field(default_factory=list)
    format: str = FORMAT

    # -- files ---------------------------------------------------------------
    @property
    def path(self) -> Path:
        return Path(self.config_dir) / "hub.json"

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Settings":
        data = dict(data)
        courses = [Course(**c) for c in data.pop("courses", [])]
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(courses=courses, **known)

    @classmethod
    def load(cls, path: Path) -> "Settings":
        try:
            return cls.from_dict(json.loads(Path(path).read_text()))
        except (OSError, ValueError, TypeError) as exc:
            raise SettingsError(f"cannot read the installation settings {path}: {exc}") from exc

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.to_dict(), indent=2) + "\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, self.path)

    def course(self, course_id: str) -> Course:
        for c in self.courses:
            if c.id == course_id:
                return c
        raise KeyError(course_id)

    def accounts(self) -> list[str]:
        """The staff accounts this installation made or configured (owners and graders)."""
        seen: list[str] = []
        for c in self.courses:
            for name in [c.owner, *c.graders]:
                if name not in seen:
                    seen.append(name)
        return seen


def merge(old: Settings, new: Settings) -> tuple[Settings, list[str]]:
    """Combine an existing installation with this run's settings.

    Returns the merged settings and a list of conflicts (empty when the run may go on).
    """
    conflicts = []
    a, b = old.to_dict(), new.to_dict()
    for key in a:
        if key in ("courses",):
            continue
        if key == "postgres" and (not a[key] or not b[key]):
            continue  # a run without PostgreSQL does not undo another course's server
        if a[key] != b.get(key):
            conflicts.append(f"{key}: installed {a[key]!r}, this run {b.get(key)!r}")
    merged = Settings.from_dict(a)
    if not merged.postgres:
        merged.postgres = dict(new.postgres)
    for course in new.courses:
        try:
            existing = old.course(course.id)
        except KeyError:
            merged.courses.append(course)
            continue
        for key, value in asdict(existing).items():
            if key == "service_port" and not course.service_port:
                continue  # not asked: keep the installed port
            if asdict(course)[key] != value:
                conflicts.append(
                    f"course {course.id} {key}: installed {value!r}, this run {asdict(course)[key]!r}")
    return merged, conflicts


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="deploy/setup.sh",
        description="Install casuslab on this machine: JupyterHub, nbgrader's exchange, "
                    "formgrader for lecturers only, an idle culler and optionally a "
                    "PostgreSQL gradebook. Run as root; safe to run again.")
    d = Settings()
    p.add_argument("--course", help="nbgrader course id (default: course_id of course/course.yaml)")
    p.add_argument("--lecturer", help="the lecturer's account; formgrader runs in the lecturer's own "
                   "server (created with a 0700 home when missing)")
    p.add_argument("--graders", help="comma-separated accounts that grade together in one formgrader "
                   "run as a hub service by the account grader-<course> (instead of --lecturer)")
    p.add_argument("--service-port", type=int, default=0,
                   help="port of that formgrader service on 127.0.0.1 (default: 9000 + n)")
    p.add_argument("--gradebook", choices=["sqlite", "postgresql"], default="sqlite")
    p.add_argument("--pg-host", default="127.0.0.1", help="PostgreSQL host the graders connect to")
    p.add_argument("--pg-port", type=int, default=5432)
    p.add_argument("--pg-socket", default="/var/run/postgresql",
                   help="socket directory where the postgres account administers the server")
    p.add_argument("--prefix", default=d.prefix, help="the shared Python environment")
    p.add_argument("--config-dir", default=d.config_dir)
    p.add_argument("--state-dir", default=d.state_dir)
    p.add_argument("--exchange", default=d.exchange, help="nbgrader's exchange folder (not under /tmp)")
    p.add_argument("--bind-url", default=d.bind_url, help="where the hub listens (put a TLS proxy in front)")
    p.add_argument("--hub-port", type=int, default=d.hub_port, help="the hub's internal API port")
    p.add_argument("--proxy-port", type=int, default=d.proxy_port, help="the proxy's API port")
    p.add_argument("--authenticator", choices=["pam", "dummy"], default=d.authenticator,
                   help="dummy accepts one shared password: for tests and the demo only")
    p.add_argument("--group", default=d.group, help="UNIX group whose members may log in")
    p.add_argument("--idle-timeout", type=int, default=d.idle_timeout,
                   help="seconds before the culler stops an idle server")
    p.add_argument("--python", default="/usr/bin/python3",
                   help="interpreter for the shared environment (must be usable by every user)")
    p.add_argument("--no-systemd", action="store_true",
                   help="for test harnesses: do not require systemd and install no service; "
                        "the caller starts the hub itself")
    p.add_argument("--no-apt", action="store_true", help="do not install Debian packages")
    p.add_argument("--repo", default=None, help="the casuslab checkout to install (default: this one)")
    return p


def from_args(args: argparse.Namespace, course_yaml_id: str | None) -> Settings:
    """Validate the options and turn them into settings for this run."""
    course_id = args.course or course_yaml_id
    if not course_id:
        raise SettingsError("give --course ID (no course/course.yaml with a course_id was found)")
    if not SLUG.match(course_id):
        raise SettingsError(f"--course {course_id!r} is not a slug (a-z, 0-9, '-')")
    if bool(args.lecturer) == bool(args.graders):
        raise SettingsError("give either --lecturer NAME (one lecturer) or --graders A,B (a shared formgrader)")
    for path_opt in ("prefix", "config_dir", "state_dir", "exchange"):
        value = getattr(args, path_opt)
        if not os.path.isabs(value):
            raise SettingsError(f"--{path_opt.replace('_', '-')} must be an absolute path")
    if os.path.realpath(args.exchange).startswith("/tmp/"):
        raise SettingsError("--exchange must not be under /tmp (it is cleaned at reboot)")
    if args.lecturer:
        mode, owner, graders = "lecturer", args.lecturer, [args.lecturer]
    else:
        graders = [g.strip() for g in args.graders.split(",") if g.strip()]
        mode, owner = "service", f"grader-{course_id}"[:32]
    for name in [owner, *graders]:
        if not ACCOUNT.match(name):
            raise SettingsError(f"{name!r} is not a usable account name (3-32 of a-z, 0-9, _ and -)")
    home = _home_of(owner)
    course = Course(id=course_id, mode=mode, owner=owner, graders=graders, gradebook=args.gradebook,
                    root=os.path.join(home, "casuslab", "course"), service_port=args.service_port)
    s = Settings(prefix=args.prefix, config_dir=args.config_dir, state_dir=args.state_dir,
                 exchange=args.exchange, bind_url=args.bind_url, hub_port=args.hub_port,
                 proxy_port=args.proxy_port, authenticator=args.authenticator, group=args.group,
                 idle_timeout=args.idle_timeout, systemd=not args.no_systemd, courses=[course])
    if args.gradebook == "postgresql":
        s.postgres = {"host": args.pg_host, "port": args.pg_port, "socket_dir": args.pg_socket}
    return s


def _home_of(name: str) -> str:
    import pwd

    try:
        return pwd.getpwnam(name).pw_dir
    except KeyError:
        return os.path.join("/home", name)
