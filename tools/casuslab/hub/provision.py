"""The steps of ``deploy/setup.sh``: one course on one VM, idempotent, as root.

Run with Debian's Python straight from the checkout (standard library only):
``PYTHONPATH=tools python3 -m casuslab.hub.provision --lecturer NAME``.
Every refusal is one plain message and exit code 2, before anything changes.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
from pathlib import Path

from casuslab.hub import accounts, gradebook, lockdown
from casuslab.hub.settings import Course, Settings, SettingsError, from_args, merge, parser
from casuslab.lab import student_config

FORMGRADER_PLUGINS = ["@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"]
FORMGRADER_EXT = "nbgrader.server_extensions.formgrader"
UNIT = "casuslab-hub.service"
SYSTEMD_DIR = Path("/etc/systemd/system")


class SetupError(Exception):
    pass


def say(message: str) -> None:
    print(f"setup: {message}", flush=True)


def run(argv: list[str], **kw) -> subprocess.CompletedProcess:
    proc = subprocess.run(argv, capture_output=True, text=True, **kw)
    if proc.returncode != 0:
        raise SetupError(f"{' '.join(map(str, argv))} failed ({proc.returncode}):\n"
                         f"{(proc.stdout + proc.stderr).strip()[-3000:]}")
    return proc


# -- checks before anything changes -----------------------------------------------

def systemd_booted() -> bool:
    return os.path.isdir("/run/systemd/system")


def course_id_of(repo: Path) -> str | None:
    plan = repo / "course" / "course.yaml"
    try:
        m = re.search(r"^course_id:\s*['\"]?([a-z0-9-]+)", plan.read_text(), re.M)
    except OSError:
        return None
    return m.group(1) if m else None


def plan(argv: list[str]) -> tuple[Settings, Path, object]:
    args = parser().parse_args(argv)
    if os.geteuid() != 0:
        raise SetupError("run this as root: sudo deploy/setup.sh ...")
    repo = Path(args.repo or Path(__file__).resolve().parents[3]).resolve()
    if not (repo / "pyproject.toml").is_file():
        raise SetupError(f"{repo} is not a casuslab checkout (no pyproject.toml)")
    new = from_args(args, course_id_of(repo))
    if new.systemd and not systemd_booted():
        raise SetupError("this machine does not run systemd (PID 1), which keeps the hub running; "
                         "use a Debian VM booted with systemd (test harnesses pass --no-systemd)")
    if new.path.exists():
        old = Settings.load(new.path)
        merged, conflicts = merge(old, new)
        if conflicts:
            raise SetupError(
                f"an installation with different settings exists ({new.path}):\n  - "
                + "\n  - ".join(conflicts)
                + "\nRe-run with the installed settings, or remove that installation first "
                  "(see docs/deploy.md, 'Starting over').")
    else:
        merged = new
    used = {c.service_port for c in merged.courses if c.service_port}
    for c in merged.courses:
        if c.mode == "service" and not c.service_port:
            c.service_port = next(p for p in range(9001, 9999) if p not in used)
            used.add(c.service_port)
    lockdown.outside_checkout(repo, {"--prefix": merged.prefix, "--exchange": merged.exchange,
                                     "--config-dir": merged.config_dir, "--state-dir": merged.state_dir})
    if not Path(args.python).is_file():
        raise SetupError(f"--python {args.python} does not exist (apt-get install python3 python3-venv)")
    for what, path in (("--python", Path(os.path.realpath(args.python))), ("--prefix", Path(merged.prefix))):
        private = [p for p in path.parents if p.exists() and p.stat().st_mode & 0o005 != 0o005]
        if private:
            raise SetupError(f"{what} {path} lies in {private[0]}, which other users cannot enter, so "
                             "students could not start their servers: use Debian's /usr/bin/python3 "
                             "and a prefix such as /opt/casuslab")
    return merged, repo, args


# -- the steps -----------------------------------------------------------------

def apt_packages(settings: Settings, no_apt: bool) -> None:
    missing = []
    if subprocess.run(["/usr/bin/python3", "-c", "import ensurepip, venv"], capture_output=True).returncode:
        missing.append("python3-venv")
    if any(c.gradebook == "postgresql" for c in settings.courses):
        if not shutil.which("psql"):
            missing.append("postgresql-client")
        local = settings.postgres.get("host") in ("127.0.0.1", "localhost", "::1")
        if local and not glob.glob("/usr/lib/postgresql/*/bin/postgres"):
            missing.append("postgresql")
    if not missing:
        return
    if no_apt:
        raise SetupError(f"missing Debian packages: {' '.join(missing)} (and --no-apt was given)")
    say(f"installing {' '.join(missing)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["apt-get", "update", "-q"], env=env)
    run(["apt-get", "install", "-y", "-q", *missing], env=env)


def _tree_hash(repo: Path, deps_only: bool) -> str:
    h = hashlib.sha256((repo / "pyproject.toml").read_bytes())
    if not deps_only:
        for path in sorted((repo / "tools" / "casuslab").rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(str(path.relative_to(repo)).encode())
                h.update(path.read_bytes())
    return h.hexdigest()


def shared_environment(settings: Settings, repo: Path, python: str) -> None:
    """Install casuslab, JupyterHub and nbgrader where every user can run them (pitfall 2)."""
    prefix = Path(settings.prefix)
    if not (prefix / "bin" / "python").exists():
        say(f"creating the shared environment {prefix}")
        prefix.parent.mkdir(parents=True, exist_ok=True)
        run([python, "-m", "venv", str(prefix)])
    stamps = prefix / ".casuslab-stamps"
    deps, code = _tree_hash(repo, True), _tree_hash(repo, False)
    old = stamps.read_text().split() if stamps.exists() else []
    pip = [str(prefix / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if old[:1] != [deps]:
        say("installing casuslab with JupyterHub and nbgrader (a few minutes the first time)")
        run(pip + ["setuptools>=68", "wheel", f"{repo}[hub]"], cwd="/")
    elif old[1:2] != [code]:
        say("updating casuslab in the shared environment")
        run(pip + ["--no-deps", "--no-build-isolation", "--force-reinstall", str(repo)], cwd="/")
    stamps.write_text(f"{deps}\n{code}\n")
    run(["chmod", "-R", "a+rX,go-w", str(prefix)])
    site = Path(run([str(prefix / "bin" / "python"), "-c",
                     "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    _write(site / "casuslab-fast-start.pth", FAST_START)
    lockdown.check_package(site / "casuslab")  # every student reads it: no answer keys in it
    probe = subprocess.run(
        ["runuser", "-u", "nobody", "--", str(prefix / "bin" / "python"), "-c",
         "import casuslab.student, jupyterhub, jupyter_server"],
        capture_output=True, text=True, cwd="/")
    if probe.returncode != 0:
        raise SetupError(f"the shared environment {prefix} does not start for an ordinary user "
                         f"(is --python under a private folder such as /root?):\n{probe.stderr[-1500:]}")


# jsonschema builds an IRI grammar with lark whenever rfc3987_syntax is installed: about
# 1.5 s of CPU in every user server and nbgrader command, for a format no Jupyter schema
# uses. Without it jsonschema simply skips that optional check.
FAST_START = 'import sys; sys.modules.setdefault("rfc3987_syntax", None)\n'


def private_home_defaults() -> None:
    """New accounts get 0700 homes, from useradd and from adduser (pitfall 1)."""
    _set_key(Path("/etc/login.defs"), r"^#?\s*HOME_MODE\b.*$", "HOME_MODE\t0700")
    if Path("/etc/adduser.conf").exists():
        _set_key(Path("/etc/adduser.conf"), r"^#?\s*DIR_MODE=.*$", "DIR_MODE=0700")


def _set_key(path: Path, pattern: str, line: str) -> None:
    text = path.read_text() if path.exists() else ""
    if re.search("^" + re.escape(line) + "$", text, re.M):
        return
    if re.search(pattern, text, re.M):
        text = re.sub(pattern, line, text, count=1, flags=re.M)
    else:
        text = text.rstrip("\n") + "\n" + line + "\n"
    path.write_text(text)


def exchange(settings: Settings) -> None:
    """The exchange (1777) and each course's folder in it, owned by the course owner (issue 9)."""
    lockdown.exchange_root(Path(settings.exchange))
    for course in settings.courses:
        moved = lockdown.course_exchange(Path(settings.exchange), course.id, course.owner)
        if moved:
            say(moved)


def jupyter_environment(settings: Settings) -> None:
    """Formgrader off for everyone at environment level; what `casuslab lab` gives a student
    (hidden code shows no placeholder, no news, no kernel chooser); nbgrader's shared settings."""
    prefix = Path(settings.prefix)
    etc = prefix / "etc" / "jupyter"
    (etc / "jupyter_server_config.d").mkdir(parents=True, exist_ok=True)
    _write(etc / "jupyter_server_config.d" / "zz-casuslab-formgrader-off.json",
           '{"ServerApp": {"jpserver_extensions": {"%s": false}}}\n' % FORMGRADER_EXT)
    # what `jupyter labextension disable` and `unlock --level=sys_prefix` write (unlocked, so
    # that a lecturer's user-level setting can switch them on again: JupyterLab >= 4.1 locks)
    page_config(etc / "labconfig" / "page_config.json", disabled=True)
    student_config.write_student_config(etc)  # the same as `casuslab lab` (tools/casuslab/lab/)
    legacy = prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    if legacy.is_file() and legacy.read_text() == LEGACY_OVERRIDES:  # written by earlier versions
        legacy.unlink()
    _write(etc / "nbgrader_config.py", NBGRADER_GLOBAL.replace("@SETTINGS@", str(settings.path)))


LEGACY_OVERRIDES = ('{"@jupyterlab/apputils-extension:notification": '
                    '{"fetchNews": "false", "checkForUpdates": false}}\n')

NBGRADER_GLOBAL = '''\
# Written by casuslab deploy/setup.sh: nbgrader settings shared by every user.
# They come from the installation's settings (hub.json); the hub passes its path
# in CASUSLAB_HUB_SETTINGS, and a login shell falls back to the path below.
import json as _json
import os as _os

c = get_config()  # noqa: F821
# Every collect refuses a submission folder not owned by the student it names (pitfall 3).
c.ExchangeFactory.collect = "casuslab.hub.collect.OwnerCheckedCollect"
_path = _os.environ.get("CASUSLAB_HUB_SETTINGS", "@SETTINGS@")
try:
    with open(_path) as _fh:
        _s = _json.load(_fh)
except OSError:
    _s = None
if _s:
    c.Exchange.root = _s["exchange"]
    c.Exchange.path_includes_course = True
    if len(_s["courses"]) == 1:
        c.CourseDirectory.course_id = _s["courses"][0]["id"]
'''


def course_accounts(settings: Settings) -> None:
    accounts.ensure_group(settings.group)
    for name in settings.accounts():
        if accounts.ensure_account(name, settings.group, accounts.STAFF_MARK):
            say(f"created the account {name} (home 0700; set a password or use your authenticator)")


def course_folder(settings: Settings, course: Course, repo: Path) -> None:
    """The course folder in its owner's home, seeded with this checkout's plan and scenarios."""
    owner = pwd.getpwnam(course.owner)
    workspace = Path(course.root).parent
    if not (Path(course.root) / "course.yaml").exists() and course_id_of(repo) == course.id:
        workspace.mkdir(parents=True, exist_ok=True)
        shutil.copytree(repo / "course", course.root, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("source", "release", "submitted", "autograded",
                                                      "feedback", "feedback_casuslab", "reports", "primers",
                                                      "gradebook.db", "nbgrader_config.py", ".casuslab-build.json",
                                                      "*.answers.json", ".ipynb_checkpoints"))
        if (repo / "scenarios").is_dir():
            shutil.copytree(repo / "scenarios", workspace / "scenarios", dirs_exist_ok=True)
    Path(course.root).mkdir(parents=True, exist_ok=True)
    run(["chown", "-R", f"{owner.pw_uid}:{owner.pw_gid}", str(workspace)])


def owner_config(settings: Settings, course: Course, db_url: str | None) -> None:
    """The course owner's nbgrader config (0600) and formgrader switched on for that account only."""
    owner = pwd.getpwnam(course.owner)
    jdir = Path(owner.pw_dir) / ".jupyter"
    lines = ["# Written by casuslab deploy/setup.sh for the owner of this course.",
             "c = get_config()  # noqa: F821",
             f"c.CourseDirectory.root = {course.root!r}",
             f"c.CourseDirectory.course_id = {course.id!r}"]
    if db_url:
        lines.append(f"c.CourseDirectory.db_url = {db_url!r}")
    (jdir / "jupyter_server_config.d").mkdir(parents=True, exist_ok=True)
    _write(jdir / "nbgrader_config.py", "\n".join(lines) + "\n", mode=0o600)
    _write(jdir / "jupyter_server_config.d" / "casuslab-formgrader.json",
           '{"ServerApp": {"jpserver_extensions": {"%s": true}}}\n' % FORMGRADER_EXT)
    page_config(jdir / "labconfig" / "page_config.json", disabled=False)  # labextension enable --level=user
    staff_lab_config(jdir / "jupyter_lab_config.json")
    run(["chown", "-R", f"{owner.pw_uid}:{owner.pw_gid}", str(jdir)])


def staff_lab_config(path: Path) -> None:
    """Staff see the placeholders of hidden code cells (students do not), keeping the rest of the file."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    for section, values in student_config.STAFF_LAB_CONFIG.items():
        if not isinstance(data.get(section), dict):
            data[section] = {}
        data[section].update(values)
    student_config.write_text(path, json.dumps(data, indent=2, sort_keys=True) + "\n")


def page_config(path: Path, disabled: bool) -> None:
    """Switch the formgrader lab plugins in one level's page_config.json, keeping the rest."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        data = {}
    for plugin in FORMGRADER_PLUGINS:
        data.setdefault("disabledExtensions", {})[plugin] = disabled
        if disabled:
            data.setdefault("lockedExtensions", {})[plugin] = False
    _write(path, json.dumps(data, indent=2) + "\n")


def hub_files(settings: Settings, repo: Path) -> None:
    cfg = Path(settings.config_dir)
    cfg.mkdir(parents=True, exist_ok=True)
    os.chmod(cfg, 0o755)
    shutil.copyfile(repo / "deploy" / "jupyterhub_config.py", cfg / "jupyterhub_config.py")
    os.chmod(cfg / "jupyterhub_config.py", 0o644)
    state = Path(settings.state_dir)
    state.mkdir(parents=True, exist_ok=True)
    os.chmod(state, 0o700)
    if settings.authenticator == "dummy":
        secret = cfg / "dummy-password"
        if not secret.exists():
            _write(secret, os.urandom(9).hex() + "\n", mode=0o600)


def snapshot(settings: Settings) -> list[bytes]:
    """What the running hub depends on: it is restarted only when one of these changed."""
    paths = [settings.path, Path(settings.config_dir) / "jupyterhub_config.py",
             Path(settings.prefix) / ".casuslab-stamps"]
    return [p.read_bytes() if p.exists() else b"" for p in paths]


def systemd_unit(settings: Settings, changed: bool) -> None:
    """Install and enable the service; restart it only when something it uses changed."""
    unit = SYSTEMD_DIR / UNIT
    old = unit.read_text() if unit.exists() else ""
    text = f"""[Unit]
Description=casuslab JupyterHub
After=network-online.target postgresql.service

[Service]
User=root
WorkingDirectory={settings.state_dir}
Environment=PATH={settings.prefix}/bin:/usr/local/bin:/usr/bin:/bin
ExecStart={settings.prefix}/bin/jupyterhub -f {settings.config_dir}/jupyterhub_config.py
Restart=on-failure

[Install]
WantedBy=multi-user.target
"""
    _write(unit, text)
    changed = changed or text != old
    run(["systemctl", "daemon-reload"])
    run(["systemctl", "enable", UNIT])
    run(["systemctl", "restart" if changed else "start", UNIT])  # start: no-op when running


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode), "w") as fh:
        fh.write(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    try:
        settings, repo, args = plan(sys.argv[1:] if argv is None else argv)
        before = snapshot(settings)
        apt_packages(settings, args.no_apt)
        shared_environment(settings, repo, args.python)
        private_home_defaults()
        course_accounts(settings)
        staff = lockdown.protect_source(repo, settings.group, settings.accounts())  # issue 9
        say(f"{repo} (scenarios, keys, course) is closed to students: group {staff}, mode 0750")
        exchange(settings)
        hub_files(settings, repo)
        settings.save()  # before the Jupyter config, which reads it
        jupyter_environment(settings)
        for course in settings.courses:
            course_folder(settings, course, repo)
            db_url = gradebook.ensure(settings, course) if course.gradebook == "postgresql" else None
            owner_config(settings, course, db_url)
        if settings.systemd:
            changed = snapshot(settings) != before
            systemd_unit(settings, changed)
            say(f"the hub runs as {UNIT}: {settings.bind_url}" + (" (restarted)" if changed else ""))
        else:
            say(f"no systemd service installed; start the hub with: cd {settings.state_dir} && "
                f"{settings.prefix}/bin/jupyterhub -f {settings.config_dir}/jupyterhub_config.py")
        say("done")
        return 0
    except (SetupError, SettingsError, accounts.AccountError, gradebook.GradebookError,
            lockdown.LockdownError) as exc:
        print(f"setup: refused: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"setup: stopped: {exc}\nFix that and run the same command again (it is safe to repeat).",
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("setup: interrupted; run the same command again to finish (it is safe to repeat)", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
