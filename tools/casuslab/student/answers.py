"""The student's answers file (contract §4): read, restore, merge and write it safely.

- Written only when the student acts, never while ``NBGRADER_EXECUTION`` is set.
- Every write is atomic: a temp file in the same folder, fsync, ``os.replace``.
- Two kernels on one notebook (two tabs) do not lose each other's answers: each
  write takes a file lock, reads the file, merges per question (the later
  ``saved_at`` wins) and replaces it. Submitted stages are a union. Two
  exceptions: the answer the student has just given always wins for that
  question, and a stamp more than ``MAX_FUTURE`` ahead of the clock (a tampered
  file, a clock that was wrong) is not trusted: it counts as the oldest.
- A write is checked by reading the file back: "saved" means it is on disk.
- No file is ever larger than ``MAX_ANSWERS_BYTES``, the graders' read limit:
  an answer that would make it larger is refused (:class:`TooLarge`) and the
  file on disk stays as it was.
- A file that cannot be used is renamed aside as
  ``<id>.answers.corrupt-<timestamp>.json`` and the caller learns about it.
- ``shuffle_seed`` (optional, top level) is a random token made on first open
  and written with the first answer; the widgets show the options of ``single``
  and ``multiple`` questions in an order derived from it. Graders ignore it.

Standard library only (``fcntl`` where the platform has it).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from casuslab.scoring import ANSWERS_FORMAT, MAX_ANSWERS_BYTES, read_answers

try:  # not in every Python (e.g. the browser's)
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

GRADING_ENV = "NBGRADER_EXECUTION"
MAX_FUTURE = dt.timedelta(minutes=5)  # a saved_at further ahead than this is not trusted
SEED_KEY = "shuffle_seed"
_OWN_KEYS = ("format", "scenario", "submitted_stages", "answers", "saved_at")


class SaveError(Exception):
    """Saving failed; ``reason`` is a short plain description for the student."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class NotOnDisk(SaveError):
    """The file was written but does not read back as written."""


class TooLarge(SaveError):
    """The answers would make the file larger than ``MAX_ANSWERS_BYTES``: nothing was changed."""

    def __init__(self, qid: str | None, size: int):
        super().__init__(f"the answers file would be {size} bytes, more than {MAX_ANSWERS_BYTES}")
        self.qid = qid
        self.size = size


def now() -> str:
    """The current local time with its offset, to the millisecond."""
    return dt.datetime.now().astimezone().isoformat(timespec="milliseconds")


_OLDEST = dt.datetime.min.replace(tzinfo=dt.timezone.utc)


def _when(stamp: Any) -> dt.datetime:
    """A sortable time for a ``saved_at`` stamp.

    Unreadable stamps and stamps more than ``MAX_FUTURE`` ahead of now sort first:
    a future stamp would otherwise win every merge and silently drop new answers.
    """
    if isinstance(stamp, str):
        try:  # a naive stamp at the edge of the calendar cannot be placed in time (ValueError, OverflowError)
            value = dt.datetime.fromisoformat(stamp)
            value = value if value.tzinfo else value.astimezone()
            if value <= dt.datetime.now(dt.timezone.utc) + MAX_FUTURE:
                return value
        except (ValueError, OverflowError):
            pass
    return _OLDEST


def encode(doc: dict) -> bytes:
    """The bytes of an answers file: UTF-8 without a BOM."""
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"


def _valid_seed(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 64


def _problem(doc: Any, scenario_id: str) -> str | None:
    if not isinstance(doc, dict):
        return "not a JSON object"
    if doc.get("scenario") != scenario_id:
        return f"written for scenario {doc.get('scenario')!r}"
    if not isinstance(doc.get("answers"), dict):
        return "no 'answers' object"
    return None


def _reason(exc: OSError) -> str:
    return exc.strerror or exc.__class__.__name__


class AnswersStore:
    """One scenario's answers, in memory and on disk (``<folder>/<id>.answers.json``)."""

    def __init__(self, folder: Path | str, scenario_id: str, clock: Callable[[], str] = now,
                 stage_of: dict[str, str] | None = None):
        self.folder = Path(folder)
        self.stage_of = stage_of or {}  # question id -> stage id: a stage submitted elsewhere is locked
        self.scenario_id = scenario_id
        self.path = self.folder / f"{scenario_id}.answers.json"
        self.lock_path = self.folder / f".{scenario_id}.answers.lock"
        self.clock = clock
        self.answers: dict[str, Any] = {}
        self.saved_at: dict[str, str] = {}
        self.submitted: list[str] = []
        self.extra: dict[str, Any] = {}
        self.dirty: set[str] = set()
        self.submitted_dirty: set[str] = set()
        self.corrupt_aside: Path | None = None  # where a corrupt file was kept, once
        self.corrupt_reason: str | None = None
        self.last_saved: str | None = None
        self.latest: str | None = None  # the question the student changed last, until it is saved
        self.replaced: set[str] = set()  # answers of ours another window overwrote with later ones

    @property
    def read_only(self) -> bool:
        """True while nbgrader executes the notebook: nothing may be written then."""
        return bool(os.environ.get(GRADING_ENV))

    # reading -----------------------------------------------------------------

    def _read_disk(self) -> tuple[dict | None, str | None]:
        """(usable document, None), (None, None) when absent, or (None, why it is unusable)."""
        if not self.path.exists():
            return None, None
        doc, error = read_answers(self.path)
        if error is None:
            error = _problem(doc, self.scenario_id)
        if error is None:
            return doc, None
        if not self.path.exists():  # replaced between the two checks
            return None, None
        return None, error

    def _keep_aside(self, reason: str) -> None:
        """Rename an unusable answers file so nothing is lost (not when read-only)."""
        self.corrupt_reason = reason
        if self.read_only:
            return
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.folder / f"{self.scenario_id}.answers.corrupt-{stamp}.json"
        n = 1
        while target.exists():
            n += 1
            target = self.folder / f"{self.scenario_id}.answers.corrupt-{stamp}-{n}.json"
        try:
            os.replace(self.path, target)
        except FileNotFoundError:
            return
        except OSError as exc:
            raise SaveError(_reason(exc)) from exc
        self.corrupt_aside = target

    def load(self) -> None:
        """Restore answers and submitted stages from disk (keeps a corrupt file aside)."""
        try:
            with self._locked():
                doc, error = self._read_disk()
                if error is not None:
                    self._keep_aside(error)
        except SaveError:
            doc, error = self._read_disk()
        self.answers, self.saved_at, self.submitted, self.extra = {}, {}, [], {}
        if doc is not None:
            self._absorb(doc)
        if not _valid_seed(self.extra.get(SEED_KEY)):
            self.extra[SEED_KEY] = secrets.token_hex(8)  # written with the first answer

    @property
    def seed(self) -> str:
        """This student's shuffle seed (see the module docstring)."""
        value = self.extra.get(SEED_KEY)
        if not _valid_seed(value):
            value = self.extra[SEED_KEY] = secrets.token_hex(8)
        return value

    def _absorb(self, doc: dict) -> None:
        self.answers = dict(doc["answers"])
        stamps = doc.get("saved_at")
        self.saved_at = {k: v for k, v in stamps.items() if isinstance(v, str)} if isinstance(stamps, dict) else {}
        submitted = doc.get("submitted_stages")
        if isinstance(submitted, list):
            self.submitted = list(dict.fromkeys(s for s in submitted if isinstance(s, str)))
        self.extra = {k: v for k, v in doc.items() if k not in _OWN_KEYS}

    # changing ----------------------------------------------------------------

    def set(self, qid: str, value: Any, save: bool = True) -> str | None:
        """Record the student's answer to ``qid``; saves at once unless ``save`` is False.

        Raises :class:`TooLarge`, changing nothing, when the file would grow past the limit.
        """
        stamp = self.clock()
        trial = self.document()
        trial["answers"][qid] = value
        trial["saved_at"][qid] = stamp
        try:
            size = len(encode(trial))
        except (TypeError, ValueError) as exc:  # an answer that is not JSON data
            raise SaveError(str(exc)) from exc
        if size > MAX_ANSWERS_BYTES:
            raise TooLarge(qid, size)
        self.answers[qid] = value
        self.saved_at[qid] = stamp
        self.dirty.add(qid)
        self.latest = qid
        return self.save() if save else None

    def submit(self, stage_id: str) -> str | None:
        if stage_id not in self.submitted:
            self.submitted.append(stage_id)
        self.submitted_dirty.add(stage_id)
        return self.save()

    @property
    def pending(self) -> bool:
        return bool(self.dirty or self.submitted_dirty)

    # writing -----------------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        if fcntl is None or self.read_only:
            yield
            return
        try:
            handle = open(self.lock_path, "a+b")
        except OSError as exc:
            raise SaveError(_reason(exc)) from exc
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            yield
        finally:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            finally:
                handle.close()

    def _merge(self, disk: dict) -> None:
        """Fold another writer's saved answers into ours, question by question.

        The later ``saved_at`` wins (see ``_when`` for stamps in the future), except
        for the answer the student has just given: that one is what they see, so it
        wins. An answer we changed in a stage that another writer has submitted
        meanwhile loses: a submitted stage is locked.
        """
        stamps = disk.get("saved_at") if isinstance(disk.get("saved_at"), dict) else {}
        closed = {s for s in disk.get("submitted_stages") or [] if isinstance(s, str)} - set(self.submitted)
        for qid in [q for q in self.dirty if self.stage_of.get(q) in closed]:
            self.dirty.discard(qid)
            self.answers.pop(qid, None)
            self.saved_at.pop(qid, None)
        for qid, value in disk["answers"].items():
            if qid == self.latest and qid in self.dirty:
                continue
            theirs = stamps.get(qid)
            if qid not in self.answers or _when(theirs) > _when(self.saved_at.get(qid)):
                if qid in self.dirty and value != self.answers.get(qid):
                    self.replaced.add(qid)
                self.answers[qid] = value
                if isinstance(theirs, str):
                    self.saved_at[qid] = theirs
                else:
                    self.saved_at.pop(qid, None)
                self.dirty.discard(qid)
        submitted = disk.get("submitted_stages")
        if isinstance(submitted, list):
            merged = [s for s in submitted if isinstance(s, str)]
            self.submitted = list(dict.fromkeys(merged + self.submitted))
        for key, value in disk.items():
            if key == SEED_KEY and _valid_seed(value):
                self.extra[key] = value  # the first writer's seed stays
            elif key not in _OWN_KEYS:
                self.extra.setdefault(key, value)

    def document(self) -> dict:
        doc: dict[str, Any] = {
            "format": ANSWERS_FORMAT,
            "scenario": self.scenario_id,
            "submitted_stages": list(self.submitted),
            "answers": dict(self.answers),
            "saved_at": {k: v for k, v in self.saved_at.items() if k in self.answers},
        }
        for key, value in self.extra.items():
            doc.setdefault(key, value)
        return doc

    def _write(self, doc: dict) -> None:
        data = encode(doc)
        if len(data) > MAX_ANSWERS_BYTES:  # never write what no reader would read
            raise TooLarge(self.latest, len(data))
        fd, tmp = tempfile.mkstemp(prefix=f".{self.scenario_id}.answers.", suffix=".tmp", dir=self.folder)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise

    def _check_written(self, doc: dict) -> None:
        """Read the file back: what we wrote must be there (else "saved" would be a lie)."""
        back, error = read_answers(self.path)
        if error is not None or not isinstance(back, dict):
            raise NotOnDisk(error or "the answers file could not be read back")
        if back.get("answers") != doc["answers"] or back.get("submitted_stages") != doc["submitted_stages"]:
            raise NotOnDisk("the answers file does not hold what was written")

    def save(self) -> str | None:
        """Merge with the file on disk and write it; returns the time saved.

        Returns None (and writes nothing) while nbgrader executes the notebook.
        Raises :class:`SaveError` with a plain reason when the file cannot be written
        or does not read back as written, :class:`TooLarge` when it would be too large
        (the file on disk is then left as it was).
        """
        if self.read_only:
            return None
        self.replaced = set()
        try:
            with self._locked():
                disk, error = self._read_disk()
                if error is not None:
                    self._keep_aside(error)
                elif disk is not None:
                    self._merge(disk)
                doc = self.document()
                self._write(doc)
                self._check_written(doc)
        except SaveError:
            raise
        except OSError as exc:
            raise SaveError(_reason(exc)) from exc
        except (TypeError, ValueError) as exc:  # an answer that is not JSON data
            raise SaveError(str(exc)) from exc
        self.dirty.clear()
        self.submitted_dirty.clear()
        self.latest = None
        self.last_saved = self.clock()
        return self.last_saved
