"""Local accounts for the hub: 0700 homes, a marker, their processes.

Accounts that casuslab creates carry a marker in their GECOS field. Only accounts
with the marker we are asked to remove are ever removed, so a demo or a test can
never delete a real person's account.
"""

from __future__ import annotations

import grp
import os
import pwd
import signal
import subprocess
import time
from pathlib import Path

STAFF_MARK = "casuslab staff"  # made by deploy/setup.sh (lecturers, grader accounts): never removed
DEMO_MARK = "casuslab demo"  # made by casuslab hub, the hub test and the benchmark: removed after


class AccountError(Exception):
    pass


def exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def ensure_group(name: str) -> None:
    try:
        grp.getgrnam(name)
    except KeyError:
        _run(["groupadd", "--system", name])


def add_to_group(name: str, group: str) -> None:
    """Make the account ``name`` a member of ``group`` (a supplementary group), once."""
    if name not in grp.getgrnam(group).gr_mem and pwd.getpwnam(name).pw_gid != grp.getgrnam(group).gr_gid:
        _run(["usermod", "--append", "--groups", group, name])


def remove_group(name: str) -> None:
    """Delete a group casuslab made, once nobody is in it any more."""
    try:
        group = grp.getgrnam(name)
    except KeyError:
        return
    primary = any(p.pw_gid == group.gr_gid for p in pwd.getpwall())
    if not group.gr_mem and not primary:
        _run(["groupdel", name])


def ensure_account(name: str, group: str, mark: str) -> bool:
    """Create ``name`` with a private (0700) home, or tighten an existing one.

    Returns True when the account was created by this call.
    """
    ensure_group(group)
    created = False
    if not exists(name):
        _run(["useradd", "--create-home", "--shell", "/bin/bash", "--comment", mark,
              "--key", "HOME_MODE=0700", "--groups", group, name])
        created = True
    else:
        add_to_group(name, group)
    private_home(name)
    return created


def private_home(name: str) -> str:
    """Make the account's home mode 0700 (pitfall 1: Debian's useradd makes 0755)."""
    entry = pwd.getpwnam(name)
    home = Path(entry.pw_dir)
    if not home.is_dir():
        raise AccountError(f"the home of {name} ({home}) does not exist")
    st = home.stat()
    if st.st_uid != entry.pw_uid:
        raise AccountError(f"the home of {name} ({home}) is not owned by {name}")
    if st.st_mode & 0o777 != 0o700:
        os.chmod(home, 0o700)
    return str(home)


def marked(name: str, mark: str) -> bool:
    try:
        return pwd.getpwnam(name).pw_gecos.split(",")[0] == mark
    except KeyError:
        return False


def remove_account(name: str, mark: str = DEMO_MARK) -> bool:
    """Stop every process of ``name`` and delete the account and its home.

    Refuses (AccountError) when the account does not carry ``mark``.
    """
    if not exists(name):
        return False
    if not marked(name, mark):
        raise AccountError(f"{name} was not created by casuslab ({mark!r}); not removing it")
    uid = pwd.getpwnam(name).pw_uid
    home = pwd.getpwnam(name).pw_dir
    stop_processes(uid)
    _run(["userdel", "--remove", name], ok=(0, 12))  # 12: no mail spool; home removed anyway
    if os.path.isdir(home) and home.startswith("/home/"):
        subprocess.run(["rm", "-rf", "--one-file-system", home], check=False)
    return True


def processes_of(uid: int) -> list[int]:
    """Ids of the running processes whose real or effective user is ``uid``."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as fh:
                for line in fh:
                    if line.startswith("Uid:"):
                        real, effective = line.split()[1:3]
                        if uid in (int(real), int(effective)):
                            pids.append(int(entry))
                        break
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return pids


def describe(pid: int) -> str:
    """``pid: command line`` (for reports)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return f"{pid}: " + fh.read().replace(b"\0", b" ").decode(errors="replace").strip()[:200]
    except OSError:
        return f"{pid}: (gone)"


def stop_processes(uid: int, timeout: float = 5.0) -> list[int]:
    """SIGTERM, then SIGKILL, each process of ``uid`` by its id. Returns what was left."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        pids = processes_of(uid)
        if not pids:
            return []
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and processes_of(uid):
            time.sleep(0.1)
    return processes_of(uid)


def user_env(name: str, path: str = "/usr/local/bin:/usr/bin:/bin") -> dict:
    entry = pwd.getpwnam(name)
    return {"HOME": entry.pw_dir, "USER": name, "LOGNAME": name, "SHELL": entry.pw_shell or "/bin/sh",
            "PATH": path, "LANG": os.environ.get("LANG", "C.UTF-8")}


def run_as(name: str, argv: list[str], *, cwd: str | None = None, env: dict | None = None,
           path: str = "/usr/local/bin:/usr/bin:/bin", timeout: float = 300,
           check: bool = False) -> subprocess.CompletedProcess:
    """Run ``argv`` as the account ``name`` with that account's own environment (as a login would)."""
    entry = pwd.getpwnam(name)
    full_env = user_env(name, path)
    full_env.update(env or {})
    groups = [g.gr_gid for g in grp.getgrall() if name in g.gr_mem]
    proc = subprocess.run(argv, cwd=cwd or entry.pw_dir, env=full_env, user=entry.pw_uid,
                          group=entry.pw_gid, extra_groups=groups, umask=0o022,
                          capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AccountError(f"{' '.join(argv)} as {name} failed ({proc.returncode}):\n"
                           f"{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return proc


def _run(argv: list[str], ok: tuple = (0,)) -> None:
    proc = subprocess.run(argv, capture_output=True, text=True)
    if proc.returncode not in ok:
        raise AccountError(f"{' '.join(argv)} failed: {proc.stderr.strip() or proc.stdout.strip()}")
