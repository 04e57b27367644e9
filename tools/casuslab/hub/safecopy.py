"""Copy one submission out of the exchange without trusting anything in it (issue 9, item 5).

A student controls every entry of their submission folder, also *after* the owner
check (``casuslab.hub.integrity``) looked at it: a file may be swapped for a symbolic
link, a named pipe (a read blocks forever), or a 200 MB sparse file (nbgrader's
collect refuses the whole class for one of those). So every entry is opened relative
to its parent folder's descriptor with ``O_NOFOLLOW | O_NONBLOCK`` and judged by
``fstat`` of what was really opened: only regular files and folders, owned by the
student, within the limits below, are copied. Everything else is skipped and
reported (a ``Skip``), and the copy goes on; the caller goes on with the class.

The submission time (issue 9, item 7). ``timestamp.txt``, the folder's name and every file's
modification time are written by the student's own process and can be set back (``touch
-d``). The inode change time (``st_ctime``) cannot: the kernel sets it to "now" on every
write, chmod or utime. So the copy also reports the newest ``st_ctime`` of the submission
(the folder, and every entry it holds, read with ``lstat``/``fstat`` before and after it is
copied, as copying resets it in the destination), and ``write_collected`` records it in
``COLLECTED_FILE`` of the copy, which ``casuslab.grade.intake`` reads. A top-level entry of
the student with that name is skipped: only the lecturer's collect writes it.

The standard library only (the lecturer's collect imports this before nbgrader).
"""

from __future__ import annotations

import errno
import fnmatch
import json
import os
import pwd
import stat
import time
from dataclasses import asdict, dataclass
from pathlib import Path

# The limits, in one place. An answers file is a few kB, a notebook well under 1 MB.
MAX_FILE_BYTES = 5 * 1024 * 1024  # per file
MAX_SUBMISSION_BYTES = 20 * 1024 * 1024  # per submission, all files together
MAX_ENTRIES = 1000  # files and folders per submission
MAX_DEPTH = 8  # folders inside folders

COLLECTED_FILE = ".casuslab-collected.json"  # written by the collect into the copy; see write_collected
SKIP_MARK = "OVERGESLAGEN"  # prefix of the log line of each Skip (see to_log / from_log)
_OPEN = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_CHUNK = 1024 * 1024


class CopyError(Exception):
    """The submission folder itself cannot be copied (nothing of it was)."""


@dataclass(frozen=True)
class Skip:
    """What was not collected, and why (Dutch, for the lecturer)."""

    student: str
    path: str  # a path inside the submission folder, or the folder's name when all of it was refused
    reason: str

    def to_log(self) -> str:
        return f"{SKIP_MARK} {json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)}"

    @classmethod
    def from_log(cls, log: str) -> list["Skip"]:
        """Every Skip in a collect's log, in order, without duplicates."""
        found: list[Skip] = []
        for line in log.splitlines():
            at = line.find(SKIP_MARK + " {")
            if at < 0:
                continue
            try:
                data = json.loads(line[at + len(SKIP_MARK) + 1:])
                skip = cls(str(data["student"]), str(data["path"]), str(data["reason"]))
            except (ValueError, KeyError, TypeError):
                continue
            if skip not in found:
                found.append(skip)
        return found


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}".replace(".", ",") + " MB"


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "een named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "een socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "een apparaatbestand"
    return "geen gewoon bestand"


def _owner(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


@dataclass
class _Run:
    student: str
    owner_uid: int | None
    exclude: tuple
    include: tuple
    max_file: int
    max_total: int
    total: int = 0
    entries: int = 0
    full: bool = False
    changed_ns: int = 0  # the newest inode change time seen in the source

    def saw(self, st: os.stat_result) -> None:
        self.changed_ns = max(self.changed_ns, st.st_ctime_ns)

    def __post_init__(self):
        self.skips: list[Skip] = []

    def skip(self, rel: str, reason: str) -> None:
        self.skips.append(Skip(self.student, rel, reason))


def copy_submission(src: str | os.PathLike, dest: str | os.PathLike, student: str, **options) -> list[Skip]:
    """``copy_and_time`` without the time: what was skipped."""
    return copy_and_time(src, dest, student, **options)[0]


def copy_and_time(src: str | os.PathLike, dest: str | os.PathLike, student: str, *,
                  owner_uid: int | None = None, exclude=(), include=("*",),
                  max_file: int = MAX_FILE_BYTES, max_total: int = MAX_SUBMISSION_BYTES) -> tuple[list[Skip], int]:
    """Copy the folder ``src`` to the new folder ``dest``; return (what was skipped, the newest
    inode change time in ``src``, in ns since the epoch).

    ``owner_uid``: when given, every entry must belong to that user (checked on the
    opened entry, so a swap after an earlier check changes nothing). ``exclude`` and
    ``include``: nbgrader's name globs (``CourseDirectory.ignore`` / ``include``),
    silently left out as nbgrader does. Raises CopyError when ``src`` itself is not a
    readable folder of the student (``dest`` is then not created).
    """
    src, dest = Path(src), Path(dest)
    run = _Run(student, owner_uid, tuple(exclude), tuple(include), max_file, max_total)
    try:
        sfd = os.open(src, _OPEN)
    except OSError as exc:
        reason = "is een symbolische link" if exc.errno == errno.ELOOP else f"kan niet geopend worden ({exc.strerror})"
        raise CopyError(f"{src.name}: {reason}") from exc
    try:
        st = os.fstat(sfd)
        run.saw(st)
        if not stat.S_ISDIR(st.st_mode):
            raise CopyError(f"{src.name}: is geen map")
        if owner_uid is not None and st.st_uid != owner_uid:
            raise CopyError(f"{src.name}: de map is van {_owner(st.st_uid)}, niet van {student}")
        os.mkdir(dest, 0o755)
        dfd = os.open(dest, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
        try:
            _copy_dir(run, sfd, dfd, "", 0)
            os.utime(dfd, ns=(st.st_atime_ns, st.st_mtime_ns))
        finally:
            os.close(dfd)
        run.saw(os.fstat(sfd))  # an entry added or removed during the copy changed it
    finally:
        os.close(sfd)
    return run.skips, run.changed_ns


def write_collected(dest: str | os.PathLike, claimed: str, changed_ns: int) -> None:
    """Record in the collected copy ``dest`` when the submission was last changed in the exchange.

    ``claimed``: the time the submission states (nbgrader's folder name); ``changed_ns``:
    from ``copy_and_time``. Written by the lecturer's process into the lecturer's folder.
    """
    def utc(ns: int) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(ns // 10**9)) + f".{ns % 10**9 // 1000:06d} UTC"

    now = time.time_ns()
    data = {"format": "casuslab/collected-v1", "claimed": claimed, "changed": utc(changed_ns),
            "changed_ns": changed_ns, "collected": utc(now), "collected_ns": now}
    path = os.path.join(dest, COLLECTED_FILE)
    if os.path.lexists(path):
        os.unlink(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(data, indent=1, sort_keys=True) + "\n")


def _copy_dir(run: _Run, sfd: int, dfd: int, rel: str, depth: int) -> None:
    for name in sorted(os.listdir(sfd)):
        here = f"{rel}/{name}" if rel else name
        if any(fnmatch.fnmatch(name, glob) for glob in run.exclude):
            continue
        if run.entries >= MAX_ENTRIES:
            if not run.full:
                run.full = True
                run.skip(here, f"meer dan {MAX_ENTRIES} bestanden en mappen: dit en de rest niet opgehaald")
            return
        run.entries += 1
        try:
            run.saw(os.stat(name, dir_fd=sfd, follow_symlinks=False))
        except OSError:
            pass
        if not rel and name == COLLECTED_FILE:
            run.skip(here, "deze naam is voorbehouden: casuslab schrijft dit bestand zelf bij het ophalen")
            continue
        try:
            fd = os.open(name, _OPEN, dir_fd=sfd)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                run.skip(here, "een symbolische link (niet gevolgd)")
            elif exc.errno == errno.ENXIO:
                run.skip(here, "een socket")
            else:
                run.skip(here, f"kan niet geopend worden ({exc.strerror})")
            continue
        try:
            _copy_entry(run, fd, dfd, name, here, depth)
        except OSError as exc:
            run.skip(here, f"niet gekopieerd ({exc.strerror or exc})")
        finally:
            try:
                run.saw(os.fstat(fd))  # written to while it was copied: that counts too
            finally:
                os.close(fd)


def _copy_entry(run: _Run, fd: int, dfd: int, name: str, here: str, depth: int) -> None:
    st = os.fstat(fd)
    run.saw(st)
    if run.owner_uid is not None and st.st_uid != run.owner_uid:
        run.skip(here, f"is van {_owner(st.st_uid)}, niet van {run.student}")
    elif stat.S_ISDIR(st.st_mode):
        if depth + 1 >= MAX_DEPTH:
            run.skip(here, f"meer dan {MAX_DEPTH} mappen diep")
            return
        os.mkdir(name, 0o755, dir_fd=dfd)
        sub = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dfd)
        try:
            _copy_dir(run, fd, sub, here, depth + 1)
            os.utime(sub, ns=(st.st_atime_ns, st.st_mtime_ns))
        finally:
            os.close(sub)
    elif not stat.S_ISREG(st.st_mode):
        run.skip(here, _kind(st.st_mode))
    elif run.include and not any(fnmatch.fnmatch(name, glob) for glob in run.include):
        return
    elif st.st_size > run.max_file:
        run.skip(here, f"te groot: {_mb(st.st_size)} (hoogstens {_mb(run.max_file)} per bestand)")
    elif run.total + st.st_size > run.max_total:
        run.skip(here, f"de inzending wordt te groot: hoogstens {_mb(run.max_total)} samen")
    else:
        _copy_file(run, fd, dfd, name, here, st)


def _copy_file(run: _Run, fd: int, dfd: int, name: str, here: str, st: os.stat_result) -> None:
    """Copy an opened regular file; it may still grow while it is read: stop at the limit."""
    allowed = min(run.max_file, run.max_total - run.total)
    out = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644, dir_fd=dfd)
    copied = 0
    try:
        while True:
            chunk = os.read(fd, min(_CHUNK, allowed + 1 - copied))
            if not chunk:
                break
            copied += len(chunk)
            if copied > allowed:
                break
            view = memoryview(chunk)
            while view:
                view = view[os.write(out, view):]
        if copied <= allowed:
            os.utime(out, ns=(st.st_atime_ns, st.st_mtime_ns))
    finally:
        os.close(out)
    if copied > allowed:
        os.unlink(name, dir_fd=dfd)
        run.skip(here, f"werd groter tijdens het kopiëren (hoogstens {_mb(allowed)})")
        return
    run.total += copied


def _printable(text: str) -> str:
    """A student's file name on the lecturer's terminal: no control characters (escape sequences)."""
    return "".join(c if c.isprintable() else "?" for c in text)


def print_collect_report(log: str, console=None) -> list[Skip]:
    """After a collect: nbgrader's own warnings, then one table of what was refused or skipped."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = console or Console(stderr=True, highlight=False)
    for line in log.splitlines():
        if any(level in line for level in ("| WARNING]", "| ERROR]", "| CRITICAL]")) \
                and SKIP_MARK not in line and "GEWEIGERD (" not in line:
            console.print(Text(_printable(line)))
    skips = Skip.from_log(log)
    if skips:
        table = Table(title="Niet (volledig) opgehaald, en waarom", title_justify="left")
        for column in ("student", "bestand of map", "reden"):
            table.add_column(column)
        for skip in skips:
            table.add_row(Text(_printable(skip.student)), Text(_printable(skip.path)), Text(_printable(skip.reason)))
        console.print(table)
    return skips
