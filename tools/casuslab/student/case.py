"""The case a notebook opens: ``open_case("S")`` in the setup cell, ``case.stage("id")`` per stage.

It reads ``S.case.json`` (the student spec the build writes beside the notebook),
restores ``S.answers.json`` and shows each stage once the student reaches it.
Nothing here ever shows a traceback to a student: problems become plain messages.
"""

from __future__ import annotations

import asyncio
import atexit
import datetime as dt
import errno
import json
import threading
import traceback
from pathlib import Path
from typing import Any, Callable

import ipywidgets as w
from IPython.display import display

from casuslab import paths, scoring
from casuslab.student import kit
from casuslab.student.answers import AnswersStore, NotOnDisk, SaveError, TooLarge
from casuslab.student.i18n import language_of, translator
from casuslab.student.markup import esc, style_tag
from casuslab.student.stage import CLOSED, OPEN, SKIPPED, SUBMITTED, StageView

TYPING_DELAY = 0.5  # seconds: typed text is on disk at most this long after a key press


def _later(delay: float, fn: Callable[[], None]) -> Callable[[], Any]:
    """Run ``fn`` after ``delay`` on the kernel's event loop (or a timer thread); returns cancel."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if loop is not None:
        return loop.call_later(delay, fn).cancel
    try:
        timer = threading.Timer(delay, fn)
        timer.daemon = True
        timer.start()
        return timer.cancel
    except RuntimeError:  # no threads (in the browser's Python): save at once
        fn()
        return lambda: None


def answered(value: Any) -> bool:
    """Whether a saved value counts as an answer for the progress line (keys not needed)."""
    return value is not None and not (isinstance(value, str) and not value.strip())


class Case:
    """A scenario in a student's notebook: state, saving and the stages' widgets."""

    def __init__(self, spec: dict, folder: Path):
        self.spec = spec
        self.scenario_id = spec["id"]
        self.practice = spec.get("mode", "practice") != "exam"
        self.tr = translator(language_of(spec))
        self.language = language_of(spec)
        self.index = paths.stage_index(spec)
        stage_of = {q["id"]: s["id"] for s in spec.get("stages", []) for q in s.get("questions") or []}
        self.store = AnswersStore(folder, self.scenario_id, stage_of=stage_of)
        self.views: dict[str, StageView] = {}
        self._lock = threading.RLock()
        self._cancel: Callable[[], Any] | None = None
        self.progress = kit.html()
        self.save_status = kit.html()
        self.statusbar = kit.vbox([self.progress, self.save_status], css="casuslab-statusbar")
        self.notice = kit.html(css="casuslab-setup")
        self.error: str | None = None
        self.store.load()
        self.seed = self.store.seed  # the order of the options this student sees
        self.too_large: set[str] = set()  # questions whose answer on screen is too long to save
        self.show_saved()
        atexit.register(self.flush)

    # texts -------------------------------------------------------------------

    def gettext(self, message: str) -> str:
        return self.tr.gettext(message)

    def ngettext(self, singular: str, plural: str, n: float) -> str:
        return self.tr.ngettext(singular, plural, int(n) if float(n).is_integer() else 2)

    def number(self, value: float) -> str:
        value = scoring.round2(value)
        text = str(int(value)) if float(value).is_integer() else f"{value:g}"
        return text.replace(".", ",") if self.language in ("nl", "fr") else text

    def points(self, question: dict) -> float:
        return scoring.question_points(question)

    # the path ----------------------------------------------------------------

    def following(self, stage_id: str) -> str | None:
        """The stage after a submitted stage, given the saved answer to its branching question."""
        i = self.index[stage_id]
        question = paths.branching_question(self.spec["stages"][i])
        chosen = self.store.answers.get(question["id"]) if question else None
        nxt = paths.next_stage(self.spec, i, chosen if isinstance(chosen, str) else None)
        return nxt if nxt in self.index else None

    def reached(self) -> list[str]:
        """The stages the student has opened: the first, then each one after a submitted stage."""
        found: list[str] = []
        current: str | None = self.spec["stages"][0]["id"] if self.spec.get("stages") else None
        while current is not None and current not in found:
            found.append(current)
            if current not in self.store.submitted:
                break
            current = self.following(current)
        return found

    def frontier(self) -> str | None:
        found = self.reached()
        return found[-1] if found else None

    def finished(self) -> bool:
        last = self.frontier()
        return last is not None and last in self.store.submitted and self.following(last) is None

    def state_of(self, stage_id: str) -> str:
        found = self.reached()
        if stage_id in found:
            return SUBMITTED if stage_id in self.store.submitted else OPEN
        if self.finished():
            return SKIPPED
        ahead, todo = set(), [found[-1]] if found else []
        while todo:
            sid = todo.pop()
            for nxt in paths.successors(self.spec, self.index[sid]):
                if nxt not in ahead:
                    ahead.add(nxt)
                    todo.append(nxt)
        return CLOSED if stage_id in ahead else SKIPPED

    def position(self, stage_id: str) -> int | None:
        found = self.reached()
        return found.index(stage_id) + 1 if stage_id in found else None

    # showing -----------------------------------------------------------------

    def stage(self, stage_id: str) -> None:
        """Show one stage (the notebook's stage cell calls this)."""
        try:
            if stage_id not in self.index:
                raise KeyError(stage_id)
            view = self.views.get(stage_id)
            if view is None:
                view = self.views[stage_id] = StageView(self, stage_id)
            view.update()
            self.show_progress()
            display(view.box)
        except Exception:  # never a traceback for a student (kept for a developer)
            self.error = traceback.format_exc()
            message = self.gettext("This part of the case cannot be shown. Ask your lecturer for help.")
            display(w.HTML(f'<div class="casuslab-notice">{esc(message)}</div>'))

    def refresh(self) -> None:
        for view in self.views.values():
            view.update()
        self.show_progress()

    def show_progress(self) -> None:
        _ = self.gettext
        answers = self.store.answers
        route = paths.student_path(self.spec, answers)
        found = self.reached()
        stages = {s["id"]: s for s in self.spec.get("stages", [])}
        questions = [q for sid in route for q in stages[sid].get("questions") or []]
        done = sum(1 for q in questions if answered(answers.get(q["id"])))
        if self.finished():
            where = _("Case finished")
        else:
            where = _("Part {n} of {total}").format(n=len(found), total=max(len(route), len(found)))
        counted = self.ngettext("{done} of {n} question answered", "{done} of {n} questions answered",
                                len(questions)).format(done=done, n=len(questions))
        self.progress.value = f'<span>{esc(where)} · {esc(counted)}</span>'

    def show_saved(self, error: str | None = None) -> None:
        _ = self.gettext
        if error is not None:
            text = _("Not saved: {reason}. Your answer is still on screen; try again, or ask for help.").format(
                reason=error)
            self.save_status.value = f'<span class="casuslab-save-error" role="alert">{esc(text)}</span>'
            return
        if self.store.read_only:
            text = _("Grading mode: nothing is saved.")
        elif self.store.last_saved:
            text = _("Saved at {time}").format(time=self._clock(self.store.last_saved))
        elif self.store.saved_at:
            text = _("Your answers are back (last saved at {time}).").format(
                time=self._clock(max(self.store.saved_at.values())))
        else:
            text = _("Nothing saved yet. Every answer is saved the moment you give it.")
        if self.store.corrupt_reason:
            text = self.corrupt_message() + " " + text
        if self.store.replaced:
            text += " " + _("Another window of this notebook changed an answer later; that answer is kept. "
                            "Run the notebook again to see it.")
        self.save_status.value = f'<span role="status">{esc(text)}</span>'

    def show_too_large(self) -> None:
        text = self.gettext("Not saved: your answer is too long (the answers file may be at most 1 MB). "
                            "Make it shorter; until then the last shorter version stays saved.")
        self.save_status.value = f'<span class="casuslab-save-error" role="alert">{esc(text)}</span>'

    def corrupt_message(self) -> str:
        _ = self.gettext
        if self.store.corrupt_aside is not None:
            return _("Your answers file was damaged. It has been kept as {name}; you start again here. "
                     "Ask your lecturer for help if answers are missing.").format(name=self.store.corrupt_aside.name)
        return _("Your answers file is damaged and cannot be read. Ask your lecturer for help.")

    @staticmethod
    def _clock(stamp: str) -> str:
        try:
            return dt.datetime.fromisoformat(stamp).astimezone().strftime("%H:%M:%S")
        except ValueError:
            return stamp

    # saving ------------------------------------------------------------------

    def reason(self, exc: SaveError) -> str:
        _ = self.gettext
        if isinstance(exc, NotOnDisk):
            return _("your answer did not arrive in the answers file")
        code = getattr(exc.__cause__, "errno", None)
        if code in (errno.EACCES, errno.EPERM):
            return _("you may not write in this folder")
        if code == errno.ENOSPC:
            return _("the disk is full")
        if code == errno.EROFS:
            return _("this folder is read-only")
        return _("the answers file could not be written ({reason})").format(reason=exc.reason)

    def save_now(self) -> None:
        with self._lock:
            self._cancel = None
            submitted = len(self.store.submitted)
            try:
                self.store.save()
            except TooLarge:
                self.show_too_large()
                return
            except SaveError as exc:
                self.show_saved(self.reason(exc))
                return
            self.show_saved()
            if len(self.store.submitted) != submitted:  # another tab submitted a stage: lock it here too
                self.refresh()

    def flush(self) -> None:
        """Write what is still waiting (typed text) right now."""
        with self._lock:
            if self._cancel is not None:
                self._cancel()
                self._cancel = None
            if self.store.pending:
                self.save_now()

    def changed(self, qid: str, value: Any, typing: bool = False) -> None:
        """A widget's answer changed: save at once, or within TYPING_DELAY while typing."""
        with self._lock:
            try:
                try:
                    self.store.set(qid, value, save=False)
                except TooLarge:  # nothing changed: the last version that fits is what gets saved
                    self.too_large.add(qid)
                    self.flush()
                    self.show_too_large()
                    return
                self.too_large.discard(qid)
                if typing:
                    if self._cancel is None:
                        self._cancel = _later(TYPING_DELAY, self.save_now)
                    saving = self.gettext("Saving…")
                    self.save_status.value = f'<span role="status">{esc(saving)}</span>'
                else:
                    if self._cancel is not None:
                        self._cancel()
                    self.save_now()
                self.show_progress()
            except Exception:
                self.error = traceback.format_exc()
                self.show_saved(self.gettext("something went wrong"))

    def submit(self, view: StageView) -> None:
        """Save the stage as submitted, then lock it and reveal what follows."""
        with self._lock:
            if any(q.qid in self.too_large for q in view.questions or []):  # what is on screen is not saved
                view.confirming = False
                view.update()
                self.show_too_large()
                return
            for q in view.questions or []:
                if q.kind == "order" and not q.touched:
                    q.touched = True
                    self.store.set(q.qid, q.value(), save=False)
            self.flush()
            was_submitted = view.stage_id in self.store.submitted
            try:
                self.store.submit(view.stage_id)
            except SaveError as exc:
                if not was_submitted:
                    self.store.submitted.remove(view.stage_id)
                view.confirming = False
                view.update()
                if isinstance(exc, TooLarge):  # the submitted stage itself would not fit: the size message
                    self.show_too_large()
                else:
                    self.show_saved(self.reason(exc))
                return
            self.show_saved()
            view.confirming = False
            self.refresh()

    def guarded(self, fn: Callable[[Any], None]) -> Callable[[Any], None]:
        """A widget callback that reports any failure in plain words instead of a traceback."""
        def run(arg: Any) -> None:
            try:
                fn(arg)
            except Exception:
                self.error = traceback.format_exc()
                self.show_saved(self.gettext("something went wrong"))
        return run


class MissingCase:
    """What a notebook shows when its case file is missing or unreadable."""

    def __init__(self, message: str):
        self.message = message

    def stage(self, stage_id: str) -> None:
        display(w.HTML(f'<div class="casuslab-notice">{esc(self.message)}</div>'))


def read_spec(path: Path) -> dict:
    spec = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(spec, dict) or not isinstance(spec.get("id"), str) or not spec.get("stages"):
        raise ValueError("not a case file")
    return spec


def open_case(scenario_id: str, folder: Path | str | None = None, show: bool = True) -> Case | MissingCase:
    """Open ``<scenario_id>.case.json`` in ``folder`` (default: the kernel's working directory)."""
    folder = Path.cwd() if folder is None else Path(folder)
    path = folder / f"{scenario_id}.case.json"
    try:
        spec = read_spec(path)
        case: Case | MissingCase = Case(spec, folder)
    except Exception:
        _ = translator().gettext
        case = MissingCase(_("This notebook cannot load its case: the file {name} is missing or damaged. "
                             "Ask your lecturer for help.").format(name=path.name))
        if show:
            display(w.HTML(style_tag() + f'<div class="casuslab-notice" role="alert">{esc(case.message)}</div>'))
        return case
    if show:
        notice = ""
        if case.store.corrupt_reason:
            notice = f'<div class="casuslab-notice" role="alert">{esc(case.corrupt_message())}</div>'
        case.notice.value = style_tag() + notice
        display(case.notice)
    return case
