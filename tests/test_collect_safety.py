"""Collecting a class when some submissions are hostile (issue 9, item 5).

A fake nbgrader exchange in tmp_path: submissions holding a named pipe, a 200 MB sparse
file, a symbolic link to a file the lecturer can read, and a file swapped for such a link
after the owner check. The real `casuslab collect` (nbgrader collect with casuslab's
collector) and the real collector class run against it; nothing is mocked.
"""

from __future__ import annotations

import io
import os
import pwd
import time
from pathlib import Path

import pytest

from casuslab.grade.commands import run_collect
from casuslab.grade.course import nbgrader_env

COURSE, ASSIGNMENT = "c1", "a1"
STAMP = "2026-03-01 10:00:00.000000 UTC"
NOTEBOOK = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n'
SECRET = "SLEUTEL: de juiste antwoorden van het examen"


def submission(exchange: Path, student: str, stamp: str = STAMP) -> Path:
    folder = exchange / COURSE / "inbound" / f"{student}+{ASSIGNMENT}+{stamp}+{os.urandom(4).hex()}"
    folder.mkdir(parents=True)
    (folder / "timestamp.txt").write_text(stamp)
    (folder / "casus.ipynb").write_bytes(NOTEBOOK)
    (folder / "casus.answers.json").write_text(f'{{"student": "{student}"}}')
    return folder


def course_folder(tmp_path: Path, check_owner: bool) -> tuple[Path, Path]:
    course, exchange = tmp_path / "course", tmp_path / "exchange"
    course.mkdir()
    (exchange / COURSE / "inbound").mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.course_id = {COURSE!r}\n"
        f"c.Exchange.root = {str(exchange)!r}\n"
        f"c.CollectApp.check_owner = {check_owner}\n"
        f"c.ExchangeCollect.check_owner = {check_owner}\n", encoding="utf-8")
    return course, exchange


def test_one_hostile_submission_never_stops_the_class(tmp_path, capsys, monkeypatch):
    """A FIFO, a 200 MB sparse file and a link each cost only that file; everyone is collected."""
    course, exchange = course_folder(tmp_path, check_owner=False)  # one account plays every student
    secret = tmp_path / "lecturer-only.txt"
    secret.write_text(SECRET)
    os.mkfifo(submission(exchange, "s-fifo") / "casus.answers.json.lock")
    sparse = submission(exchange, "s-sparse") / "groot.bin"
    with open(sparse, "wb") as fh:
        os.truncate(fh.fileno(), 200 * 1024 * 1024)
    (submission(exchange, "s-link") / "sleutel.txt").symlink_to(secret)
    submission(exchange, "s-ok")

    monkeypatch.setenv("COLUMNS", "200")  # the table's rows on one line each
    t = time.monotonic()
    assert run_collect(course, ASSIGNMENT) == 0
    assert time.monotonic() - t < 60  # the pipe was not read (that would block for ever)

    submitted = course / "submitted"
    assert sorted(p.name for p in submitted.iterdir()) == ["s-fifo", "s-link", "s-ok", "s-sparse"]
    for student in ("s-fifo", "s-link", "s-ok", "s-sparse"):
        folder = submitted / student / ASSIGNMENT
        assert (folder / "casus.ipynb").read_bytes() == NOTEBOOK
        assert (folder / "casus.answers.json").read_text() == f'{{"student": "{student}"}}'
        assert (folder / "timestamp.txt").read_text() == STAMP
    assert not (submitted / "s-fifo" / ASSIGNMENT / "casus.answers.json.lock").exists()
    assert not (submitted / "s-sparse" / ASSIGNMENT / "groot.bin").exists()
    assert not (submitted / "s-link" / ASSIGNMENT / "sleutel.txt").exists()
    assert not any(SECRET in p.read_text(errors="replace") for p in submitted.rglob("*") if p.is_file())
    assert not list(submitted.rglob("*.casuslab-new"))

    out = capsys.readouterr().out
    assert "Niet (volledig) opgehaald" in out and "4 inzending(en)" in out
    rows = {line.split("│")[1].strip(): line for line in out.splitlines() if line.count("│") >= 3}
    assert "named pipe" in rows["s-fifo"] and "casus.answers.json.lock" in rows["s-fifo"]
    assert "te groot: 200,0 MB" in rows["s-sparse"] and "groot.bin" in rows["s-sparse"]
    assert "symbolische link" in rows["s-link"] and "sleutel.txt" in rows["s-link"]
    assert "s-ok" not in rows


def test_a_link_swapped_in_after_the_owner_check_is_not_followed(tmp_path, monkeypatch):
    """The race: the folder passes the owner check, then a file becomes a link to the lecturer's key."""
    if os.geteuid() != 0:
        pytest.skip("needs root: the submission must belong to another account (nobody)")
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    from casuslab.hub.collect import OwnerCheckedCollect

    course, exchange = course_folder(tmp_path, check_owner=True)
    monkeypatch.setenv("PATH", nbgrader_env()["PATH"])  # nbgrader makes the gradebook with `alembic`
    secret = course / "sleutel.txt"  # readable by the lecturer who collects, not by the student
    secret.write_text(SECRET)
    student = "nobody"
    uid = pwd.getpwnam(student).pw_uid
    folder = submission(exchange, student)
    for path in (folder, *folder.iterdir()):
        os.chown(path, uid, -1)

    cfg = Config()
    cfg.CourseDirectory.root = str(course)
    cfg.CourseDirectory.course_id = COURSE
    cfg.Exchange.root = str(exchange)
    coursedir = CourseDirectory(config=cfg)
    coursedir.assignment_id = ASSIGNMENT
    collect = OwnerCheckedCollect(coursedir=coursedir, authenticator=Authenticator(config=cfg), config=cfg)
    collect.update = True
    collect.init_src()
    assert [r["username"] for r in collect.src_records] == [student]  # the check passed: genuine

    answers = folder / "casus.answers.json"  # now the student swaps a file for a link
    answers.unlink()
    answers.symlink_to(secret)
    os.lchown(answers, uid, -1)
    collect.init_dest()
    collect.copy_files()

    got = course / "submitted" / student / ASSIGNMENT
    assert (got / "casus.ipynb").read_bytes() == NOTEBOOK
    assert not (got / "casus.answers.json").exists()
    assert not any(SECRET in p.read_text() for p in got.rglob("*") if p.is_file())
    assert [(s.student, s.reason) for s in collect.skipped] == [(student, "een symbolische link (niet gevolgd)")]


def test_copy_checks_what_it_opened(tmp_path):
    """Unit: types, owner, limits per file and per submission, depth; what is copied is exact."""
    from casuslab.hub import safecopy

    src = tmp_path / "s1+a1+x"
    (src / "sub" / "dieper").mkdir(parents=True)
    (src / "a.txt").write_bytes(b"a" * 100)
    (src / "sub" / "b.txt").write_bytes(b"b" * 300)
    (src / "sub" / "dieper" / "c.txt").write_bytes(b"c" * 300)
    (src / "groot.txt").write_bytes(b"g" * 1001)
    (src / ".ipynb_checkpoints").mkdir()
    os.mkfifo(src / "pijp")
    (src / "link").symlink_to(src / "a.txt")
    (src / "dirlink").symlink_to(src / "sub")
    skips = safecopy.copy_submission(src, tmp_path / "out", "s1", exclude=[".ipynb_checkpoints"],
                                     max_file=1000, max_total=700)
    out = tmp_path / "out"
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    # sorted walk: a.txt (100), groot.txt (too big), sub/b.txt (300), sub/dieper/c.txt (300) -> 700
    assert files == ["a.txt", "sub/b.txt", "sub/dieper/c.txt"]
    assert (out / "sub" / "b.txt").read_bytes() == b"b" * 300
    reasons = {s.path: s.reason for s in skips}
    assert set(reasons) == {"groot.txt", "pijp", "link", "dirlink"}
    assert reasons["groot.txt"].startswith("te groot")
    assert reasons["pijp"] == "een named pipe (FIFO)"
    assert reasons["link"] == reasons["dirlink"] == "een symbolische link (niet gevolgd)"

    (src / "sub" / "e.txt").write_bytes(b"e")  # one byte over the submission's limit
    skips = safecopy.copy_submission(src, tmp_path / "out2", "s1", max_file=1000, max_total=700)
    assert {s.path: s.reason for s in skips}["sub/e.txt"].startswith("de inzending wordt te groot")
    assert not (tmp_path / "out2" / "sub" / "e.txt").exists()

    if os.geteuid() == 0:  # a file of someone else, slipped in
        os.chown(src / "a.txt", pwd.getpwnam("nobody").pw_uid, -1)
        skips = safecopy.copy_submission(src, tmp_path / "out3", "root", owner_uid=0)
        assert {s.path: s.reason for s in skips}["a.txt"] == "is van nobody, niet van root"
        assert not (tmp_path / "out3" / "a.txt").exists()

    with pytest.raises(safecopy.CopyError, match="symbolische link"):
        safecopy.copy_submission(src / "dirlink", tmp_path / "out4", "s1")
    assert not (tmp_path / "out4").exists()


def test_report_reads_back_and_escapes(tmp_path):
    """The log line round-trips; a student's file name cannot put escape codes on the lecturer's terminal."""
    from rich.console import Console

    from casuslab.hub import safecopy

    hostile = safecopy.Skip("s1", "\x1b[2J[bold]x[/bold]", "een named pipe (FIFO)")
    log = "\n".join(["[CollectApp | INFO] Collecting submission: s1 a1",
                     f"[CollectApp | WARNING] {hostile.to_log()}",
                     f"[CollectApp | WARNING] {hostile.to_log()}",
                     "[CollectApp | WARNING] No newer submission"])
    assert safecopy.Skip.from_log(log) == [hostile]
    buf = io.StringIO()
    safecopy.print_collect_report(log, Console(file=buf, width=200, highlight=False))
    shown = buf.getvalue()
    assert "\x1b" not in shown and "?[2J[bold]x[/bold]" in shown and "No newer submission" in shown
    assert "Collecting submission" not in shown
