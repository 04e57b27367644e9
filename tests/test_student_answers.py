"""The answers file I/O of the student runtime: atomic writes, merging writers, the grading guard,
restoring, and keeping a corrupt file aside (contract §4)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from casuslab.student.answers import AnswersStore, SaveError

SID = "politie-aan-de-lijn"


def ticking(start: int = 0):
    """A clock giving strictly increasing stamps, so tests decide who is 'later'."""
    state = {"t": start}

    def clock() -> str:
        state["t"] += 1
        return f"2026-11-28T20:{state['t'] // 60:02d}:{state['t'] % 60:02d}.000+01:00"
    return clock


def on_disk(folder: Path) -> dict:
    return json.loads((folder / f"{SID}.answers.json").read_text(encoding="utf-8"))


def test_set_writes_the_contract_format_at_once(tmp_path):
    store = AnswersStore(tmp_path, SID)
    store.load()
    assert not (tmp_path / f"{SID}.answers.json").exists()  # loading never writes
    saved = store.set("reactie", "b")
    doc = on_disk(tmp_path)
    assert set(doc) == {"format", "scenario", "submitted_stages", "answers", "saved_at", "shuffle_seed"}
    assert doc["format"] == "casuslab/answers-v1" and doc["scenario"] == SID
    assert doc["answers"] == {"reactie": "b"} and doc["submitted_stages"] == []
    assert doc["saved_at"]["reactie"] == saved or doc["saved_at"]["reactie"] <= saved
    store.set("welke-regels", ["a", "c"])
    store.set("urgentie", 4)
    store.set("motivering", "Ik vertrek van mijn zwijgplicht …")
    store.submit("telefoon")
    doc = on_disk(tmp_path)
    assert doc["answers"] == {"reactie": "b", "welke-regels": ["a", "c"], "urgentie": 4,
                              "motivering": "Ik vertrek van mijn zwijgplicht …"}
    assert doc["submitted_stages"] == ["telefoon"]
    assert set(doc["saved_at"]) == set(doc["answers"])


def test_restore_after_restart(tmp_path):
    first = AnswersStore(tmp_path, SID)
    first.load()
    first.set("reactie", "c")
    first.set("volgorde", ["nood", "inkomen", "werk"])
    first.submit("telefoon")
    again = AnswersStore(tmp_path, SID)
    again.load()
    assert again.answers == {"reactie": "c", "volgorde": ["nood", "inkomen", "werk"]}
    assert again.submitted == ["telefoon"]
    assert set(again.saved_at) == {"reactie", "volgorde"}


def test_write_is_atomic_a_reader_never_sees_half_a_file(tmp_path):
    store = AnswersStore(tmp_path, SID)
    store.load()
    store.set("motivering", "")
    stop = threading.Event()
    bad: list[str] = []

    def reader():
        while not stop.is_set():
            text = (tmp_path / f"{SID}.answers.json").read_text(encoding="utf-8")
            try:
                json.loads(text)
            except ValueError:
                bad.append(text)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for i in range(150):
            store.set("motivering", "woord " * (i * 40))
    finally:
        stop.set()
        thread.join()
    assert bad == []
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_a_failed_write_keeps_the_old_file_and_says_why(tmp_path):
    store = AnswersStore(tmp_path, SID)
    store.load()
    store.set("reactie", "b")
    before = (tmp_path / f"{SID}.answers.json").read_bytes()
    with pytest.raises(SaveError) as info:
        store.set("urgentie", {1, 2})  # not JSON data: serialising fails before anything is replaced
    assert info.value.reason
    assert (tmp_path / f"{SID}.answers.json").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_missing_folder_is_a_save_error_not_a_crash(tmp_path):
    store = AnswersStore(tmp_path / "gone", SID)
    with pytest.raises(SaveError):
        store.set("reactie", "a")


def test_two_writers_merge_per_question(tmp_path):
    clock = ticking()
    tab1 = AnswersStore(tmp_path, SID, clock=clock)
    tab2 = AnswersStore(tmp_path, SID, clock=clock)
    tab1.load()
    tab2.load()
    tab1.set("reactie", "a")
    tab2.set("urgentie", 2)             # tab2 never saw reactie: it must not drop it
    tab1.set("welke-regels", ["a"])     # tab1 never saw urgentie
    doc = on_disk(tmp_path)
    assert doc["answers"] == {"reactie": "a", "urgentie": 2, "welke-regels": ["a"]}
    tab2.set("reactie", "b")            # later answer to the same question wins
    tab1.submit("telefoon")             # tab1's stale 'a' is older: it must not win
    doc = on_disk(tmp_path)
    assert doc["answers"]["reactie"] == "b"
    assert doc["submitted_stages"] == ["telefoon"]
    tab2.submit("overleg")
    assert on_disk(tmp_path)["submitted_stages"] == ["telefoon", "overleg"]
    assert tab1.answers["reactie"] == "b"  # the merge also updates what tab1 holds


def test_merge_keeps_the_later_stamp_whatever_the_write_order(tmp_path):
    tab1 = AnswersStore(tmp_path, SID, clock=lambda: "2026-11-28T20:00:05.000+01:00")
    tab2 = AnswersStore(tmp_path, SID, clock=lambda: "2026-11-28T19:00:10.000+00:00")  # = 20:00:10 +01:00
    tab1.load()
    tab2.load()
    tab2.set("reactie", "c")
    tab1.set("reactie", "a", save=False)  # stamped earlier, written last (with another answer)
    tab1.set("urgentie", 3)
    assert on_disk(tmp_path)["answers"] == {"reactie": "c", "urgentie": 3}
    assert tab1.answers["reactie"] == "c" and tab1.replaced == {"reactie"}


WRITER = """
import sys
from casuslab.student.answers import AnswersStore
store = AnswersStore(sys.argv[1], sys.argv[2])
store.load()
for i in range(40):
    store.set(f"{sys.argv[3]}-{i}", i)
"""


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), SID, name]) for name in ("x", "y")]
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    answers = on_disk(tmp_path)["answers"]
    assert len(answers) == 80
    assert answers["x-39"] == 39 and answers["y-0"] == 0


def test_nothing_is_written_while_nbgrader_executes(tmp_path, monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    store = AnswersStore(tmp_path, SID)
    store.load()
    assert store.read_only
    assert store.set("reactie", "a") is None
    assert store.submit("telefoon") is None
    assert list(tmp_path.iterdir()) == []


def test_grading_never_overwrites_or_moves_the_students_file(tmp_path, monkeypatch):
    path = tmp_path / f"{SID}.answers.json"
    path.write_text("{ not json", encoding="utf-8")
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    store = AnswersStore(tmp_path, SID)
    store.load()
    store.set("reactie", "a")
    assert path.read_text(encoding="utf-8") == "{ not json"
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


@pytest.mark.parametrize("content", [
    "{ this is not json",
    json.dumps({"format": "casuslab/answers-v1", "scenario": "another-case", "answers": {}}),
    json.dumps({"format": "casuslab/answers-v1", "scenario": SID, "answers": ["a"]}),
    json.dumps(["a", "b"]),
    "\udcff",
])
def test_a_corrupt_file_is_kept_aside_and_reported(tmp_path, content):
    path = tmp_path / f"{SID}.answers.json"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    store = AnswersStore(tmp_path, SID)
    store.load()
    assert store.corrupt_reason
    aside = store.corrupt_aside
    assert aside is not None and aside.name.startswith(f"{SID}.answers.corrupt-") and aside.suffix == ".json"
    assert aside.read_bytes() == content.encode("utf-8", "surrogateescape")
    assert not path.exists()
    assert store.answers == {} and store.submitted == []
    store.set("reactie", "b")
    assert on_disk(tmp_path)["answers"] == {"reactie": "b"}
    assert aside.exists()


def test_two_corrupt_files_in_the_same_second_both_survive(tmp_path):
    path = tmp_path / f"{SID}.answers.json"
    kept = []
    for text in ("broken one", "broken two"):
        path.write_text(text, encoding="utf-8")
        store = AnswersStore(tmp_path, SID)
        store.load()
        kept.append(store.corrupt_aside)
    assert len(set(kept)) == 2
    assert sorted(p.read_text(encoding="utf-8") for p in kept) == ["broken one", "broken two"]


def test_a_file_corrupted_by_someone_else_between_saves_is_kept_aside_too(tmp_path):
    store = AnswersStore(tmp_path, SID)
    store.load()
    store.set("reactie", "a")
    (tmp_path / f"{SID}.answers.json").write_text("garbage", encoding="utf-8")
    store.set("urgentie", 3)
    assert store.corrupt_aside is not None and store.corrupt_aside.read_text(encoding="utf-8") == "garbage"
    assert on_disk(tmp_path)["answers"] == {"reactie": "a", "urgentie": 3}


def test_unknown_fields_and_odd_stamps_survive_a_rewrite(tmp_path):
    path = tmp_path / f"{SID}.answers.json"
    path.write_text(json.dumps({"format": "casuslab/answers-v1", "scenario": SID, "submitted_stages": ["telefoon", 3],
                                "answers": {"reactie": "b"}, "saved_at": {"reactie": "yesterday"},
                                "note": "kept"}), encoding="utf-8")
    store = AnswersStore(tmp_path, SID)
    store.load()
    assert store.submitted == ["telefoon"]
    store.set("urgentie", 5)
    doc = on_disk(tmp_path)
    assert doc["answers"] == {"reactie": "b", "urgentie": 5}
    assert doc["note"] == "kept"
    assert os.access(path, os.R_OK)


def test_a_stage_submitted_in_another_tab_is_locked_for_this_one(tmp_path):
    clock = ticking()
    stage_of = {"reactie": "telefoon", "stappen": "overleg"}
    tab1 = AnswersStore(tmp_path, SID, clock=clock, stage_of=stage_of)
    tab2 = AnswersStore(tmp_path, SID, clock=clock, stage_of=stage_of)
    tab1.load()
    tab2.load()
    tab1.set("reactie", "b")
    tab1.submit("telefoon")
    tab2.set("reactie", "a")          # later, but its stage is submitted: it may not change any more
    tab2.set("stappen", ["wie"])      # another stage: fine
    doc = on_disk(tmp_path)
    assert doc["answers"] == {"reactie": "b", "stappen": ["wie"]}
    assert tab2.answers["reactie"] == "b" and tab2.submitted == ["telefoon"]
