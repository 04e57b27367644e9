"""A late submission cannot be backdated (issue 9, item 7): the inode change time decides.

A student controls ``timestamp.txt``, the exchange folder's name and (``touch -d``) every
file's modification time; the kernel's inode change time (st_ctime) they cannot set back.
Here a submission in a fake exchange in tmp_path claims an early time and has every
modification time set back with os.utime (its change times stay "now"); the real collect
copy records the change time and the real grading intake uses it. Nothing is mocked.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import time
from pathlib import Path

import pytest

from casuslab.grade import intake
from casuslab.hub import safecopy

UTC = dt.timezone.utc
EARLY = dt.datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # before the due date (2026-12-01 09:00 UTC)
EARLY_TEXT = "2026-11-30 08:00:00.000000 UTC"


def _naive_now() -> dt.datetime:
    return dt.datetime.now(UTC).replace(tzinfo=None)


def _stamp(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M:%S.%f UTC")


def _backdate(folder: Path, text: str, when: dt.datetime) -> None:
    """What a student can do: timestamp.txt's text and every entry's modification time set back."""
    (folder / "timestamp.txt").write_text(text, encoding="utf-8")
    for path in [*sorted(folder.rglob("*"), reverse=True), folder]:
        os.utime(path, (when.timestamp(), when.timestamp()), follow_symlinks=False)


def _inbound_submission(inbound: Path, student: str, assignment: str, text: str) -> Path:
    folder = inbound / f"{student}+{assignment}+{text}+{os.urandom(4).hex()}"
    (folder / "sub").mkdir(parents=True)
    (folder / "casus.ipynb").write_text('{"cells": []}', encoding="utf-8")
    (folder / "casus.answers.json").write_text('{"answers": {}}', encoding="utf-8")
    (folder / "sub" / "notities.txt").write_text("x", encoding="utf-8")
    (folder / "timestamp.txt").write_text(text, encoding="utf-8")
    return folder


def test_backdated_submission_counts_from_its_change_time(tmp_path):
    """Unit: copy + record + intake; backdated -> the change time and an error row; honest -> as stated."""
    before = time.time_ns() - 50_000_000  # the kernel's change times come from a coarse clock
    forged = _inbound_submission(tmp_path / "inbound", "s1", "a1", EARLY_TEXT)
    _backdate(forged, EARLY_TEXT, EARLY)
    skips, changed_ns = safecopy.copy_and_time(forged, tmp_path / "s1", "s1")
    assert skips == [] and before <= changed_ns <= time.time_ns()
    got = tmp_path / "s1"
    assert os.stat(got / "casus.ipynb").st_mtime == EARLY.timestamp()  # the copy keeps the (forged) times

    assert intake.submission_time(got) == (EARLY.replace(tzinfo=None), EARLY_TEXT, None)  # no record: as before
    safecopy.write_collected(got, EARLY_TEXT, changed_ns)
    record = json.loads((got / safecopy.COLLECTED_FILE).read_text(encoding="utf-8"))
    assert record["claimed"] == EARLY_TEXT and record["changed_ns"] == changed_ns
    assert record["collected_ns"] >= changed_ns
    when, text, problem = intake.submission_time(got)
    changed = dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=changed_ns // 1000)
    assert when == changed and when > EARLY.replace(tzinfo=None) + dt.timedelta(days=3)
    assert text == _stamp(changed)
    assert problem.startswith("tijdstip aangepast") and "30/11/2026 08:00:00 UTC" in problem
    assert f"{changed:%d/%m/%Y %H:%M:%S} UTC" in problem and "geldt als indientijdstip" in problem

    now_text = _stamp(_naive_now() - dt.timedelta(seconds=5))  # honest: submitted just now
    honest = _inbound_submission(tmp_path / "inbound", "s2", "a1", now_text)
    skips, changed_ns = safecopy.copy_and_time(honest, tmp_path / "s2", "s2")
    safecopy.write_collected(tmp_path / "s2", now_text, changed_ns)
    when, text, problem = intake.submission_time(tmp_path / "s2")
    assert (text, problem) == (now_text, None) and when.strftime("%Y-%m-%d %H:%M:%S.%f UTC") == now_text


def test_a_record_from_the_student_is_not_copied_and_cannot_make_the_time_earlier(tmp_path):
    forged = _inbound_submission(tmp_path / "inbound", "s1", "a1", EARLY_TEXT)
    fake = {"changed_ns": int(EARLY.timestamp()) * 10**9, "claimed": EARLY_TEXT}
    (forged / safecopy.COLLECTED_FILE).write_text(json.dumps(fake), encoding="utf-8")
    (forged / "sub" / safecopy.COLLECTED_FILE).write_text("in a subfolder: an ordinary file", encoding="utf-8")
    _backdate(forged, EARLY_TEXT, EARLY)
    skips, changed_ns = safecopy.copy_and_time(forged, tmp_path / "s1", "s1")
    assert [(s.path, s.reason.split(":")[0]) for s in skips] == [(safecopy.COLLECTED_FILE, "deze naam is voorbehouden")]
    assert not (tmp_path / "s1" / safecopy.COLLECTED_FILE).exists()
    assert (tmp_path / "s1" / "sub" / safecopy.COLLECTED_FILE).exists()

    # collected some other way (nbgrader's own copy): the student's record is there, and changes nothing
    other = tmp_path / "other"
    shutil.copytree(forged, other)
    assert intake.submission_time(other) == (EARLY.replace(tzinfo=None), EARLY_TEXT, None)
    # the collect's own record replaces what was there; broken records are ignored
    safecopy.write_collected(other, EARLY_TEXT, changed_ns)
    assert intake.submission_time(other)[2].startswith("tijdstip aangepast")
    for broken in ('{"changed_ns": "1"}', "[1]", "{", '{"changed_ns": -5}'):
        (other / safecopy.COLLECTED_FILE).write_text(broken, encoding="utf-8")
        assert intake.submission_time(other) == (EARLY.replace(tzinfo=None), EARLY_TEXT, None)


def test_the_change_time_is_read_from_the_source(tmp_path):
    """The newest change time of the exchange's entries, not of the copy (copying resets it there)."""
    forged = _inbound_submission(tmp_path / "inbound", "s1", "a1", EARLY_TEXT)
    _backdate(forged, EARLY_TEXT, EARLY)
    before = time.time_ns()
    skips, changed_ns = safecopy.copy_and_time(forged, tmp_path / "s1", "s1")
    # the newest of the source's entries, not of the copy (whose change times are all "now")
    newest = max(os.lstat(p).st_ctime_ns for p in [forged, *forged.rglob("*")])
    assert changed_ns == newest and changed_ns <= before


# -- the whole way: nbgrader collect with casuslab's collector, then casuslab's grading ---------------


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    import gradekit as kit

    return kit.late_zero_course(tmp_path_factory.mktemp("ctime"))  # late work scores 0


@pytest.mark.nbgrader
def test_collect_and_grade_a_backdated_submission_as_late(template, tmp_path):
    import gradekit as kit
    from rich.console import Console

    from casuslab.grade.commands import print_run, run_collect
    from casuslab.grade.course import open_course
    from casuslab.grade.fast import grade_assignment

    course = kit.copy_course(template, tmp_path / "c")
    exchange = tmp_path / "exchange"
    inbound = exchange / kit.COURSE_ID / "inbound"
    inbound.mkdir(parents=True)
    with (course / "nbgrader_config.py").open("a", encoding="utf-8") as fh:
        fh.write(f"c.Exchange.root = {str(exchange)!r}\n"
                 "c.CollectApp.check_owner = False\nc.ExchangeCollect.check_owner = False\n")
    started = _naive_now() - dt.timedelta(seconds=1)  # before the submissions' last change
    kit.cohort(course, [("correct", None)] * 3)  # st0 backdates, st1 is honest, st2 backdates (no record)
    honest_text = _stamp(_naive_now() - dt.timedelta(seconds=5))
    for student, text in (("st0", EARLY_TEXT), ("st1", honest_text), ("st2", EARLY_TEXT)):
        folder = inbound / f"{student}+{kit.ASSIGNMENT}+{text}+{os.urandom(4).hex()}"
        shutil.move(course / "submitted" / student / kit.ASSIGNMENT, folder)
        if text == EARLY_TEXT:
            _backdate(folder, text, EARLY)
        else:
            (folder / "timestamp.txt").write_text(text, encoding="utf-8")
    shutil.rmtree(course / "submitted")

    assert run_collect(course, kit.ASSIGNMENT) == 0
    for student in ("st0", "st1", "st2"):
        assert (course / "submitted" / student / kit.ASSIGNMENT / safecopy.COLLECTED_FILE).is_file()
    record = json.loads((course / "submitted" / "st0" / kit.ASSIGNMENT / safecopy.COLLECTED_FILE).read_text())
    assert record["claimed"] == EARLY_TEXT and record["changed_ns"] >= started.replace(tzinfo=UTC).timestamp() * 1e9
    (course / "submitted" / "st2" / kit.ASSIGNMENT / safecopy.COLLECTED_FILE).unlink()  # as an older collect left it

    run = grade_assignment(open_course(course), kit.ASSIGNMENT)
    state = kit.gradebook_state(course)
    assert started <= state[("st0", "timestamp")] <= _naive_now()      # the change time in the exchange
    assert state[("st0", kit.SID, "penalty")] == 8.0                   # late: zero, all 8 points
    [problem] = [p for p in run.problems if p.student == "st0"]
    assert problem.error and problem.what.startswith("tijdstip aangepast")
    stamp = course / "autograded" / "st0" / kit.ASSIGNMENT / "timestamp.txt"
    assert stamp.read_text(encoding="utf-8") == _stamp(state[("st0", "timestamp")])

    assert _stamp(state[("st1", "timestamp")]) == honest_text            # honest: exactly as stated
    assert not [p for p in run.problems if p.student == "st1"]
    assert state[("st2", "timestamp")] == EARLY.replace(tzinfo=None)    # no record: today's rules only
    assert state[("st2", kit.SID, "penalty")] is None and not [p for p in run.problems if p.student == "st2"]

    buf = io.StringIO()
    print_run(run, Console(file=buf, width=400, highlight=False))
    rows = [line for line in buf.getvalue().splitlines() if "FOUT: tijdstip aangepast" in line]
    assert len(rows) == 1 and "st0" in rows[0] and "30/11/2026 08:00:00 UTC" in rows[0]
