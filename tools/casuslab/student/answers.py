"""The student's answers file (contract §4): read, restore, merge and write it safely.

- Written only when the student acts, never while ``NBGRADER_EXECUTION`` is set.
- Every write is atomic: a temp file in the same folder, fsync, ``os.replace``.
- Two kernels on one notebook (two tabs) do not lose each other's answers: each
  write takes a file lock, reads the file, merges per question (the later
  ``saved_at`` wins) and replaces it. Submitted stages are a union.
- A file that cannot be used is renamed aside as
  ``<id>.answers.corrupt-<timestamp>.json`` and the caller learns about it.

Standard library only (``fcntl`` where the platform has it).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from casuslab.scoring import ANSWERS_FORMAT, read_answers

try:  # not in every Python (e.g. the browser's)
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

GRADING_ENV = "NBGRADER_EXECUTION"


class SaveError(Exception):
    """Saving failed; ``reason`` is a short plain description for the student."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def now() -> str:
    """The current local time with its offset, to the millisecond."""
    return dt.datetime.now().astimezone().isoformat(timespec="milliseconds")


def _when(stamp: Any) -> dt.datetime:
    """A sortable time for a ``saved_at`` stamp (unreadable stamps sort first)."""
    if isinstance(stamp, str):
        try:
            value = dt.datetime.fromisoformat(stamp)
        except ValueError:
            pass
        else:
            return value if value.tzinfo else value.astimezone()
    return dt.datetime.min.replace(tzinfo=dt.timezone.utc)


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

    def _absorb(self, doc: dict) -> None:
        self.answers = dict(doc["answers"])
        stamps = doc.get("saved_at")
        self.saved_at = {k: v for k, v in stamps.items() if isinstance(v, str)} if isinstance(stamps, dict) else {}
        submitted = doc.get("submitted_stages")
        if isinstance(submitted, list):
            self.submitted = list(dict.fromkeys(s for s in submitted if isinstance(s, str)))
        self.extra = {k: v for k, v in doc.items()
                      if k not in ("format", "scenario", "submitted_stages", "answers", "saved_at")}

    # changing ----------------------------------------------------------------

    def set(self, qid: str, value: Any, save: bool = True) -> str | None:
        """Record the student's answer to ``qid``; saves at once unless ``save`` is False."""
        self.answers[qid] = value
        self.saved_at[qid] = self.clock()
        self.dirty.add(qid)
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

        The later ``saved_at`` wins; but an answer we changed in a stage that another
        writer has submitted meanwhile loses: a submitted stage is locked.
        """
        stamps = disk.get("saved_at") if isinstance(disk.get("saved_at"), dict) else {}
        closed = {s for s in disk.get("submitted_stages") or [] if isinstance(s, str)} - set(self.submitted)
        for qid in [q for q in self.dirty if self.stage_of.get(q) in closed]:
            self.dirty.discard(qid)
            self.answers.pop(qid, None)
            self.saved_at.pop(qid, None)
        for qid, value in disk["answers"].items():
            theirs = stamps.get(qid)
            if qid not in self.answers or _when(theirs) > _when(self.saved_at.get(qid)):
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
            if key not in ("format", "scenario", "submitted_stages", "answers", "saved_at"):
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
        data = json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"
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

    def save(self) -> str | None:
        """Merge with the file on disk and write it; returns the time saved.

        Returns None (and writes nothing) while nbgrader executes the notebook.
        Raises :class:`SaveError` with a plain reason when the file cannot be written.
        """
        if self.read_only:
            return None
        try:
            with self._locked():
                disk, error = self._read_disk()
                if error is not None:
                    self._keep_aside(error)
                elif disk is not None:
                    self._merge(disk)
                self._write(self.document())
        except SaveError:
            raise
        except OSError as exc:
            raise SaveError(_reason(exc)) from exc
        except (TypeError, ValueError) as exc:  # an answer that is not JSON data
            raise SaveError(str(exc)) from exc
        self.dirty.clear()
        self.submitted_dirty.clear()
        self.last_saved = self.clock()
        return self.last_saved
