"""Is a submission really the student's own? (pitfall 3)

nbgrader's filesystem exchange names a submission folder ``<student>+<assignment>+
<timestamp>+<random>`` and leaves it world-writable (0777); nbgrader's collect only
*warns* when the folder's owner is not the student the name claims. Any student can
create such a folder in the inbound directory, so the name proves nothing; the
owner does. These checks use the owner of the folder and of everything inside it,
without following symbolic links.
"""

from __future__ import annotations

import os
import pwd
import stat
from dataclasses import dataclass
from pathlib import Path


def _owner(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def check_submission_owner(path: str | os.PathLike, student: str) -> str | None:
    """Return why ``path`` is not a genuine submission by ``student`` (Dutch, for the lecturer), or None.

    Genuine: a real folder (not a link) owned by ``student``, holding only files and
    folders owned by ``student`` and no symbolic links.
    """
    path = Path(path)
    try:
        st = os.lstat(path)
    except OSError as exc:
        return f"{path.name}: kan niet gelezen worden ({exc.strerror})"
    if stat.S_ISLNK(st.st_mode):
        return f"{path.name}: is een symbolische link, geen inzendingsmap"
    if not stat.S_ISDIR(st.st_mode):
        return f"{path.name}: is geen map"
    owner = _owner(st.st_uid)
    if owner != student:
        return f"{path.name}: zegt van {student} te zijn, maar de map is van {owner}"
    for root, dirs, files in os.walk(path, followlinks=False):
        for name in dirs + files:
            entry = Path(root) / name
            try:
                est = os.lstat(entry)
            except OSError:
                continue
            rel = entry.relative_to(path)
            if stat.S_ISLNK(est.st_mode):
                return f"{path.name}: bevat een symbolische link {rel}"
            entry_owner = _owner(est.st_uid)
            if entry_owner != student:
                return f"{path.name}: bevat {rel}, van {entry_owner}, niet van {student}"
    return None


@dataclass(frozen=True)
class Submission:
    student: str
    timestamp: str
    path: Path
    problem: str | None  # None: genuine


def scan_inbound(inbound: str | os.PathLike, assignment: str) -> list[Submission]:
    """Every submission of ``assignment`` in an inbound folder, checked, newest first per student.

    The caller (root or the course owner) must be able to list ``inbound``.
    """
    found = []
    for entry in sorted(Path(inbound).glob(f"*+{assignment}+*")):
        parts = entry.name.rsplit("+", 3)
        if len(parts) < 3 or parts[1] != assignment:
            continue
        student, timestamp = parts[0], parts[2]
        found.append(Submission(student, timestamp, entry, check_submission_owner(entry, student)))
    return sorted(found, key=lambda s: (s.student, s.timestamp), reverse=True)


def genuine_latest(submissions: list[Submission]) -> tuple[dict[str, Submission], list[Submission]]:
    """Per student the newest genuine submission, and the list of refused (forged) ones."""
    latest: dict[str, Submission] = {}
    refused = []
    for sub in submissions:
        if sub.problem:
            refused.append(sub)
        elif sub.student not in latest or sub.timestamp > latest[sub.student].timestamp:
            latest[sub.student] = sub
    return latest, refused
