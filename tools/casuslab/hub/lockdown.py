"""What students must not read or take over on the hub (issue 9, items 1 and 6); steps of setup.sh.

1. The checkout setup.sh installs from holds the scenarios (``correct: true``, model
   answers, the pre-scorer's cues), the course and ``grading/``. Students' servers import
   casuslab from the shared environment (a normal, non-editable install), never from the
   checkout, so the checkout is closed to them: group ``<group>-staff`` (the course
   owners and graders), mode 0750. The installed package is checked to hold no answer key.
2. nbgrader's exchange is world-writable (1777): a student who creates
   ``<exchange>/<course>`` before the lecturer's first release owns it, and every release
   fails. setup.sh creates the course folder and its ``inbound`` / ``outbound`` /
   ``feedback`` folders, owned by the course owner, with the modes nbgrader gives them;
   one that someone else made first is moved aside (``.<course>.weggezet-<time>``, root,
   0700) and reported.
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import stat
import time
from pathlib import Path

from casuslab.hub import accounts

# nbgrader's own modes (nbgrader/exchange/default/release_assignment.py, release_feedback.py)
COURSE_MODE = 0o755
OUTBOUND_MODE = 0o755
INBOUND_MODE = 0o2733  # students may enter and create, not list; setgid: the owner's group
FEEDBACK_MODE = 0o711
EXCHANGE_MODE = 0o1777  # sticky: nobody removes or renames another's folder
SOURCE_MODE = 0o750

# an answer key: an option marked correct, a model answer (YAML or JSON); a schema naming the fields is none
# (block or flow YAML, any JSON spacing, YAML's True/yes/on)
_KEY = re.compile(r"""(?:^|[\s{,\[])["']?correct["']?\s*:\s*(?:true|yes|on)\b"""
                  r"""|(?:^|[\s{,\[])["']?model_answer["']?[ \t]*:[ \t]*(?![{\[~]|null\b)\S""", re.M | re.I)


class LockdownError(Exception):
    pass


def staff_group(group: str) -> str:
    """The group of the course owners and graders: the only ones besides root who read the checkout."""
    return f"{group}-staff"


def protect_source(repo: Path, group: str, staff: list[str]) -> str:
    """Close the checkout to everyone but root and the staff; returns the staff group's name."""
    name = staff_group(group)
    accounts.ensure_group(name)
    for account in staff:
        accounts.add_to_group(account, name)
    st = os.lstat(repo)
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
        raise LockdownError(f"{repo} is not a folder")
    os.chown(repo, -1, grp.getgrnam(name).gr_gid)
    os.chmod(repo, SOURCE_MODE)
    return name


def answer_keys_in(package: Path) -> list[str]:
    """Files of an installed casuslab package that look like a scenario's answer key (should be none)."""
    found = []
    for path in sorted(package.rglob("*")):
        if path.suffix in (".yaml", ".yml", ".json") and path.is_file():
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if _KEY.search(text):
                found.append(str(path))
    return found


def check_package(package: Path) -> None:
    keys = answer_keys_in(package)
    if keys:
        raise LockdownError("the installed casuslab package holds what looks like answer keys, which every "
                            "student could read:\n  " + "\n  ".join(keys))


def outside_checkout(repo: Path, paths: dict[str, str]) -> None:
    """Refuse, before any change, a folder students need that lies in the checkout (closed to them)."""
    for what, path in paths.items():
        if Path(os.path.realpath(path)).is_relative_to(repo):
            raise LockdownError(f"{what} {path} lies in the checkout {repo}, which setup closes to students "
                                "(it holds the answer keys): choose a folder outside it")


def exchange_root(exchange: Path) -> None:
    exchange.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
    exchange.mkdir(exist_ok=True)
    os.chown(exchange, 0, 0)
    os.chmod(exchange, EXCHANGE_MODE)


def course_exchange(exchange: Path, course_id: str, owner: str) -> str | None:
    """``<exchange>/<course_id>`` with inbound/outbound/feedback, owned by ``owner``.

    Returns a message when a folder someone else made had to be moved aside first.
    """
    entry = pwd.getpwnam(owner)
    course = exchange / course_id
    moved = None
    try:
        st = os.lstat(course)
    except FileNotFoundError:
        st = None
    if st is not None and (not stat.S_ISDIR(st.st_mode) or st.st_uid != entry.pw_uid):
        aside = exchange / f".{course_id}.weggezet-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
        os.rename(course, aside)
        os.lchown(aside, 0, 0)
        if not stat.S_ISLNK(st.st_mode):
            os.chmod(aside, 0o700)
        moved = (f"{course} was made by {_name(st.st_uid)}, not by {owner}: moved aside to {aside} "
                 "(root only); look at it, then remove it")
    for path, mode in ((course, COURSE_MODE), (course / "outbound", OUTBOUND_MODE),
                       (course / "inbound", INBOUND_MODE), (course / "feedback", FEEDBACK_MODE)):
        try:
            os.mkdir(path)
        except FileExistsError:
            continue  # the owner's own (an earlier run, or nbgrader): left as it is
        os.chown(path, entry.pw_uid, entry.pw_gid)
        os.chmod(path, mode)
    return moved


def _name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"
