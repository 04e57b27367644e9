"""What ``casuslab grade`` accepts from ``submitted/``: student folders, the submission time, the cells.

Student folders. A folder is graded only when its name is a plain student id (no control
characters such as a newline, no leading dot) and neither it nor its assignment folder is a
symbolic link: a link ``submitted/alice -> bob`` would grade bob's work as alice's, and a
name with a newline breaks ``nbgrader generate_feedback`` for the whole cohort. Refused
folders are listed in the problems table.

Submission time. nbgrader's ``submit`` writes the time into ``timestamp.txt`` and its
``collect`` copies the folder with the files' modification times (``shutil.copytree``);
``nbgrader autograde`` then trusts the file's text, an unreadable one crashes it, a missing
or empty one makes the submission "not late". A student can edit the file in the exchange
before collection. So here:

- the text is parsed as nbgrader parses it (``parse_utc``); it counts unless the file itself
  was rewritten well after that time *and* after every other file of the submission
  (``TOLERANCE``; a whole folder copied by a lecturer moves every file's time alike) —
  then the file's modification time is the submission time; nor when another file of the
  submission is well newer than that time and than ``timestamp.txt`` itself (text and file
  time set back together: nbgrader's submit copies files with their times, so an honest
  submission holds no file newer than its timestamp) — then that file's time counts;
  both are error rows.
- every file's time set back as well (``touch -d``) is only visible in the exchange: the
  inode change time, which the kernel sets and a student cannot set back. casuslab's collect
  (``casuslab.hub.collect``, also on a local exchange) records the newest one of the
  submission in ``.casuslab-collected.json`` (``casuslab.hub.safecopy.write_collected``).
  When the time found above is more than ``CHANGE_TOLERANCE`` earlier, that change time is
  the submission time, as an error row ("tijdstip aangepast"). The record can only make the
  time later, never earlier, so one a student slipped into a folder collected otherwise
  changes nothing; without one (an older collect) the rules above are all there is.
- an unreadable, empty or missing ``timestamp.txt`` is an error in the problems table, and
  the latest modification time of the submission's files is the submission time.

Cells. ``nbgrader autograde`` restores each nbgrader cell's type and locked source
(OverwriteCells). casuslab does that, and goes further: the autograded notebook is rebuilt
from the released notebook's cells, in the student's order. A cell that is not a cell of
the assignment (added by the student, a duplicate, or one whose nbgrader metadata was
removed) is dropped, so formgrader never renders a student's Markdown or raw HTML as the
lecturer. Unlocked Markdown cells (casuslab generates none) are shown as a code block.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import re
import shutil
import stat
from pathlib import Path

TOLERANCE = dt.timedelta(seconds=60)
CHANGE_TOLERANCE = dt.timedelta(seconds=120)  # nbgrader submit notes the time, then copies and chmods
COLLECTED_FILE = ".casuslab-collected.json"  # casuslab.hub.safecopy.COLLECTED_FILE (stdlib-only, not imported here)
MAX_COLLECTED_BYTES = 4096
MAX_STAMP_BYTES = 200
_BAD_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")


def folder_problem(base: Path, name: str, assignment: str) -> str | None:
    """Why ``base/name/assignment`` is not a student's submission folder (None: it is one)."""
    if name.startswith("."):
        return "hidden"
    if _BAD_NAME.search(name) or name != name.strip() or not name:
        return "de mapnaam bevat een regeleinde, een ander stuurteken of spaties aan de rand"
    folder = base / name
    if folder.is_symlink():
        return "de studentenmap is een symbolische koppeling (zou het werk van iemand anders beoordelen)"
    if (folder / assignment).is_symlink():
        return "de opdrachtmap is een symbolische koppeling (zou het werk van iemand anders beoordelen)"
    return None


def student_folders(base: Path, assignment: str) -> tuple[list[str], list[tuple[str, str]]]:
    """(graded student ids, [(refused folder name, reason)]) under ``submitted/``."""
    if not base.is_dir():
        return [], []
    good, refused = [], []
    for entry in sorted(os.listdir(base)):
        path = base / entry
        try:
            if not (path / assignment).is_dir() and not (path / assignment).is_symlink():
                continue
        except OSError:
            continue
        why = folder_problem(base, entry, assignment)
        if why is None:
            good.append(entry)
        elif why != "hidden":
            refused.append((entry, why))
    return good, refused


def shown_name(name: str) -> str:
    """A folder name as the problems table shows it (control characters visible)."""
    return name.encode("unicode_escape").decode("ascii")[:60]


class Out:
    """The student's ``autograded/`` folder, reused rather than removed (rmdir is slow on some file systems).

    Files are overwritten (nbgrader leaves them read-only: unlink and retry); whatever was
    there before and is not written again is removed by ``finish``.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        if folder.is_symlink() or folder.is_file():
            folder.unlink()
        if folder.is_dir():
            self.before = set(os.listdir(folder))
        else:
            folder.mkdir(parents=True)
            self.before = set()
        self.written: set[str] = set()

    def _target(self, rel: str) -> Path:
        path = self.folder / rel
        self.written.add(Path(rel).parts[0])
        if len(Path(rel).parts) > 1:
            path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def write(self, rel: str, data: bytes) -> None:
        path = self._target(rel)
        try:
            path.write_bytes(data)
        except PermissionError:
            path.unlink()
            path.write_bytes(data)

    def copy(self, src: Path, rel: str) -> None:
        path = self._target(rel)
        try:
            shutil.copyfile(src, path)
        except PermissionError:
            path.unlink()
            shutil.copyfile(src, path)

    def finish(self) -> None:
        for name in self.before - self.written:
            path = self.folder / name
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)


# -- the submission time ----------------------------------------------------------------------


def _utc(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).replace(tzinfo=None)


def _newest_other(folder: Path) -> float | None:
    newest = None
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return None
    for entry in entries:
        if entry.name in ("timestamp.txt", COLLECTED_FILE):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):
            newest = info.st_mtime if newest is None else max(newest, info.st_mtime)
    return newest


def collected_change(folder: Path) -> dt.datetime | None:
    """The newest inode change time of the submission in the exchange (naive UTC), as its collect
    recorded it; None when there is no (readable) record."""
    import json

    path = folder / COLLECTED_FILE
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            data = json.loads(fh.read(MAX_COLLECTED_BYTES + 1).decode("utf-8"))
        ns = data["changed_ns"]
        if type(ns) is not int or ns <= 0:
            return None
        return dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=ns // 1000)
    except (OSError, ValueError, TypeError, KeyError, OverflowError):
        return None


def submission_time(folder: Path) -> tuple[dt.datetime | None, str | None, str | None]:
    """(naive UTC submission time, text for autograded/timestamp.txt, problem or None).

    The problem, when there is one, is a Dutch sentence for the problems table.
    """
    when, text, problem = _stated_time(folder)
    changed = collected_change(folder)
    if changed is None or (when is not None and when >= changed - CHANGE_TOLERANCE):
        return when, text, problem
    said = f"{when:%d/%m/%Y %H:%M:%S} UTC" if when is not None else "geen tijdstip"
    return changed, _text(changed), (
        f"tijdstip aangepast: timestamp.txt en de bestandsdatums geven {said}, maar de inzending werd in de "
        f"uitwisselmap het laatst gewijzigd op {changed:%d/%m/%Y %H:%M:%S} UTC (de wijzigingstijd die het "
        f"besturingssysteem bijhoudt; een student kan die niet terugzetten); dat laatste geldt als indientijdstip")


def _stated_time(folder: Path) -> tuple[dt.datetime | None, str | None, str | None]:
    """``submission_time`` from the submission's own files only (timestamp.txt and file times)."""
    from nbgrader.utils import parse_utc

    from casuslab.student.grading import clean

    path = folder / "timestamp.txt"
    others = _newest_other(folder)
    text, info = None, None
    try:
        info = os.lstat(path)
    except OSError:
        pass
    if info is not None and stat.S_ISREG(info.st_mode):
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
            with os.fdopen(fd, "rb") as fh:
                text = fh.read(MAX_STAMP_BYTES + 1).decode("utf-8").strip()
        except (OSError, UnicodeDecodeError):
            text = None
    claimed = None
    if text and len(text) <= MAX_STAMP_BYTES:
        try:
            claimed = parse_utc(text)
        except Exception:  # dateutil raises ValueError, OverflowError, ...
            claimed = None
    if claimed is not None:
        changed = _utc(info.st_mtime)
        if changed - claimed > TOLERANCE and (others is None or changed - _utc(others) > TOLERANCE):
            return changed, _text(changed), (
                f"timestamp.txt werd gewijzigd na het indienen: er staat {claimed:%d/%m/%Y %H:%M:%S} UTC in, "
                f"het bestand is van {changed:%d/%m/%Y %H:%M:%S} UTC; dat laatste geldt als indientijdstip")
        newest = _utc(others) if others is not None else None
        if newest is not None and newest - claimed > TOLERANCE and newest - changed > TOLERANCE:
            # files of the submission are newer than its own timestamp (text and file time set back)
            return newest, _text(newest), (
                f"timestamp.txt ({claimed:%d/%m/%Y %H:%M:%S} UTC) is ouder dan bestanden van de inzending; "
                f"de laatste bestandsdatum ({newest:%d/%m/%Y %H:%M:%S} UTC) geldt als indientijdstip")
        return claimed, text, None
    if info is None:
        why = "timestamp.txt ontbreekt"
    elif not stat.S_ISREG(info.st_mode):
        why = "timestamp.txt is geen gewoon bestand"
    elif not text:
        why = "timestamp.txt is leeg of onleesbaar"
    else:
        why = f"onleesbaar tijdstip in timestamp.txt ('{clean(text)[:40]}')"
    newest = [t for t in (others, info.st_mtime if info is not None and stat.S_ISREG(info.st_mode) else None)
              if t is not None]
    if not newest:
        return None, None, f"{why}; ook geen bestandsdatum: beoordeeld zonder tijdstip"
    when = _utc(max(newest))
    return when, _text(when), f"{why}; de laatste bestandsdatum ({when:%d/%m/%Y %H:%M:%S} UTC) geldt als indientijdstip"


def _text(when: dt.datetime) -> str:
    """The form nbgrader writes (``2026-12-01 09:00:00.000000 UTC``)."""
    return when.strftime("%Y-%m-%d %H:%M:%S.%f UTC")


# -- the cells --------------------------------------------------------------------------------


def _fenced(text: str) -> str:
    runs = [len(m) for m in re.findall(r"`+", text)]
    fence = "`" * max(3, max(runs, default=0) + 1)
    return f"{fence}text\n{text}\n{fence}"


def _source_text(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def rebuild_cells(cells: list, template: dict, sources: dict[str, str], cell_types: dict[str, str]) -> tuple[list, int]:
    """The cells for autograded/, and how many of the student's cells were dropped.

    ``template``: the released notebook; ``sources``: locked cell name -> source (gradebook);
    ``cell_types``: every source cell's name -> type (gradebook).
    """
    released = {}
    for cell in template.get("cells", []):
        name = ((cell.get("metadata") or {}).get("nbgrader") or {}).get("grade_id")
        if name is not None:
            released.setdefault(name, cell)
    kept, seen, dropped = [], set(), 0
    for cell in cells:
        meta = cell.get("metadata") if isinstance(cell, dict) else None
        nbmeta = meta.get("nbgrader") if isinstance(meta, dict) else None
        name = nbmeta.get("grade_id") if isinstance(nbmeta, dict) else None
        if not isinstance(name, str) or name not in cell_types or name in seen:
            dropped += 1
            continue
        seen.add(name)
        if name in released:
            new = copy.deepcopy(released[name])
        else:
            new = {"cell_type": cell_types[name], "metadata": {"nbgrader": copy.deepcopy(nbmeta)},
                   "source": _source_text(cell)}
            if isinstance(cell.get("id"), str):
                new["id"] = cell["id"]
        if name in sources:
            new["source"] = sources[name]
        elif name not in released and new["cell_type"] == "markdown":
            new["source"] = _fenced(new["source"])
        elif name in released and isinstance(cell, dict):  # unlocked: the student's text, never as HTML
            text = _source_text(cell)
            new["source"] = text if new["cell_type"] == "code" else _fenced(text)
        new["cell_type"] = cell_types[name]
        if new["cell_type"] == "code":
            new.setdefault("outputs", [])
            new.setdefault("execution_count", None)
        else:
            new.pop("outputs", None)
            new.pop("execution_count", None)
        new.pop("attachments", None)
        kept.append(new)
    return kept, dropped


def safe_metadata(template: dict) -> dict:
    """The released notebook's metadata (kernelspec, casuslab), never the student's."""
    meta = copy.deepcopy(template.get("metadata") or {})
    meta.pop("widgets", None)
    return meta
