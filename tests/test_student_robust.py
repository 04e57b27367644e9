"""The answers file under stress: a BOM, the size limit, stamps in the future, saving that must
really reach the disk, and the per-student order of the options (shuffle_seed)."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from casuslab import scoring
from casuslab.build import student_spec
from casuslab.scenario.load import load_scenario
from casuslab.scenario.spec import to_spec
from casuslab.student import answers as answers_module
from casuslab.student import open_case
from casuslab.student.answers import AnswersStore, NotOnDisk, TooLarge
from casuslab.student.case import Case
from casuslab.student.grading import read_document
from casuslab.student.questions import shuffled_items, shuffled_options

DATA = Path(__file__).parent / "data"
SID = "politie-aan-de-lijn"
LIMIT = scoring.MAX_ANSWERS_BYTES


@pytest.fixture(scope="module")
def spec() -> dict:
    return to_spec(load_scenario(DATA / f"{SID}.yaml").model)


def opened(folder: Path, spec: dict) -> Case:
    (folder / f"{SID}.case.json").write_text(json.dumps(student_spec(spec, "practice", "oefen"), ensure_ascii=False),
                                             encoding="utf-8")
    case = open_case(SID, folder, show=False)
    assert isinstance(case, Case)
    with contextlib.redirect_stdout(io.StringIO()):  # display() without a kernel prints reprs
        for stage in case.spec["stages"]:
            case.stage(stage["id"])
    return case


def pick(view, option_id: str) -> None:
    view.radio.index = view.ids.index(option_id)


def answers_path(folder: Path) -> Path:
    return folder / f"{SID}.answers.json"


def on_disk(folder: Path) -> dict:
    return json.loads(answers_path(folder).read_text(encoding="utf-8"))


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(".case.json"))


# -- a byte order mark ------------------------------------------------------------------------


def test_a_bom_is_read_everywhere_and_never_written(tmp_path, spec):
    doc = {"format": "casuslab/answers-v1", "scenario": SID, "submitted_stages": [], "answers": {"reactie": "b"}}
    answers_path(tmp_path).write_bytes(b"\xef\xbb\xbf" + json.dumps(doc).encode("utf-8"))
    assert scoring.score_file(spec, answers_path(tmp_path))["questions"]["reactie"]["status"] == "graded"
    assert read_document(tmp_path, SID) == (doc, None)  # the autograder cells' reader
    store = AnswersStore(tmp_path, SID)
    store.load()
    assert store.corrupt_reason is None and store.answers == {"reactie": "b"}
    store.set("urgentie", 4)
    raw = answers_path(tmp_path).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and json.loads(raw)["answers"] == {"reactie": "b", "urgentie": 4}
    assert files(tmp_path) == [f".{SID}.answers.lock", f"{SID}.answers.json"]  # nothing kept aside


# -- the size limit ----------------------------------------------------------------------------


def test_the_writer_limit_is_the_readers_limit():
    assert answers_module.MAX_ANSWERS_BYTES is scoring.MAX_ANSWERS_BYTES == 1_000_000


def test_an_answer_that_would_make_the_file_too_large_is_refused_and_nothing_changes(tmp_path):
    store = AnswersStore(tmp_path, SID)
    store.load()
    store.set("motivering", "kort")
    before = answers_path(tmp_path).read_bytes()
    with pytest.raises(TooLarge) as caught:
        store.set("motivering", "é" * (LIMIT // 2))  # two bytes a character in UTF-8
    assert caught.value.qid == "motivering" and caught.value.size > LIMIT
    assert store.answers == {"motivering": "kort"} and not store.pending
    assert answers_path(tmp_path).read_bytes() == before
    fits = "x" * (LIMIT - len(before) - 100)
    store.set("motivering", fits)  # just under the limit: saved, and readable by every grader
    assert len(answers_path(tmp_path).read_bytes()) <= LIMIT
    doc, error = scoring.read_answers(answers_path(tmp_path))
    assert error is None and doc["answers"]["motivering"] == fits


def _to_the_last_stage(case: Case):
    pick(case.views["telefoon"].questions[0], "b")
    case.submit(case.views["telefoon"])
    case.submit(case.views["overleg"])
    last = case.views["dagvaarding"]
    assert last.state == "open"
    return last


def test_typing_past_the_limit_never_makes_copies_nor_corrupts(tmp_path, spec):
    case = opened(tmp_path, spec)
    last = _to_the_last_stage(case)
    text = last.questions[1]
    text.text.value = "woord " * (LIMIT // 6 - 2000)      # close to the limit: saved
    case.flush()
    fitting = text.text.value
    assert on_disk(tmp_path)["answers"]["motivering"] == fitting
    for _ in range(20):                                   # the student keeps typing
        text.text.value += "nog meer tekst " * 200
    case.flush()
    assert files(tmp_path) == [f".{SID}.answers.lock", f"{SID}.answers.json"]  # no corrupt-* copies
    assert len(answers_path(tmp_path).read_bytes()) <= LIMIT
    doc, error = scoring.read_answers(answers_path(tmp_path))
    saved = doc["answers"]["motivering"]
    assert error is None and saved.startswith(fitting) and text.text.value.startswith(saved)  # the last version that fits
    assert len(text.text.value) > len(saved) + 3000
    assert "te lang" in case.save_status.value and "1 MB" in case.save_status.value
    assert text.text.value.endswith("nog meer tekst ")  # nothing the student typed is taken away
    case.submit(last)                                    # what is on screen is not saved: no submit
    assert last.state == "open" and "dagvaarding" not in on_disk(tmp_path)["submitted_stages"]
    last.questions[0].buttons.value = 2                        # other answers are still saved meanwhile
    assert on_disk(tmp_path)["answers"]["verplicht"] == 2
    text.text.value = "Ik beroep me op mijn zwijgrecht."  # shortened: saved again, and submit works
    case.flush()
    assert on_disk(tmp_path)["answers"]["motivering"] == "Ik beroep me op mijn zwijgrecht."
    assert "Opgeslagen om" in case.save_status.value
    case.submit(last)
    assert on_disk(tmp_path)["submitted_stages"][-1] == "dagvaarding"
    assert files(tmp_path) == [f".{SID}.answers.lock", f"{SID}.answers.json"]


# -- stamps in the future, and "saved" --------------------------------------------------------


def _future_file(folder: Path) -> None:
    answers_path(folder).write_text(json.dumps({
        "format": "casuslab/answers-v1", "scenario": SID, "submitted_stages": [],
        "answers": {"reactie": "a", "urgentie": 1},
        "saved_at": {"reactie": "2099-01-01T00:00:00+01:00", "urgentie": "2099-01-01T00:00:00+01:00"}}),
        encoding="utf-8")


def test_a_stamp_in_the_future_does_not_swallow_new_answers(tmp_path):
    _future_file(tmp_path)
    store = AnswersStore(tmp_path, SID)
    store.load()
    store.set("reactie", "b")                      # the answer just given wins
    assert on_disk(tmp_path)["answers"]["reactie"] == "b"
    store.set("urgentie", 3, save=False)           # a pending answer: the future stamp is not trusted
    store.set("reactie", "c")
    assert on_disk(tmp_path)["answers"] == {"reactie": "c", "urgentie": 3}
    again = AnswersStore(tmp_path, SID)
    again.load()
    assert again.answers == {"reactie": "c", "urgentie": 3}


def test_a_future_stamp_in_the_widget_the_student_sees_saved_only_what_is_saved(tmp_path, spec):
    _future_file(tmp_path)
    case = opened(tmp_path, spec)
    single = case.views["telefoon"].questions[0]
    assert single.value() == "a"
    pick(single, "b")
    assert on_disk(tmp_path)["answers"]["reactie"] == "b" and "Opgeslagen om" in case.save_status.value
    assert opened(tmp_path, spec).views["telefoon"].questions[0].value() == "b"


class FaultyDisk(AnswersStore):
    """A disk that loses what it is given: the file holds the old content after a write."""

    def _write(self, doc: dict) -> None:
        if self.path.exists():
            return
        super()._write(doc)


def test_saved_is_only_shown_when_the_answer_reads_back_from_disk(tmp_path, spec):
    case = opened(tmp_path, spec)
    case.store = store = FaultyDisk(tmp_path, SID)
    store.load()
    single = case.views["telefoon"].questions[0]
    pick(single, "a")                                            # the first write works
    assert "Opgeslagen om" in case.save_status.value
    pick(single, "b")                                            # this one never reaches the disk
    assert on_disk(tmp_path)["answers"]["reactie"] == "a"
    assert "Opgeslagen om" not in case.save_status.value
    assert "Niet opgeslagen" in case.save_status.value and "niet in het antwoordenbestand" in case.save_status.value
    with pytest.raises(NotOnDisk):
        store.save()


def test_an_answer_another_window_changed_later_is_reported(tmp_path, spec):
    case = opened(tmp_path, spec)
    other = AnswersStore(tmp_path, SID, clock=lambda: "2026-11-28T20:00:10.000+01:00")
    other.load()
    case.store.clock = lambda: "2026-11-28T20:00:05.000+01:00"
    case.store.set("urgentie", 1, save=False)   # pending here ...
    other.set("urgentie", 5)                    # ... while the other window saves a later answer
    pick(case.views["telefoon"].questions[0], "b")
    assert on_disk(tmp_path)["answers"] == {"reactie": "b", "urgentie": 5}
    assert "ander venster" in case.save_status.value


# -- the options' order per student ------------------------------------------------------------


def test_options_are_shuffled_per_seed_and_the_same_for_the_same_seed(spec):
    question = spec["stages"][0]["questions"][1]            # welke-regels: 5 options
    ids = [o["id"] for o in question["options"]]
    first = [o["id"] for o in shuffled_options("4f2a9c0d1e3b5a67", SID, question)]
    second = [o["id"] for o in shuffled_options("0b7d2e4c6a8f1039", SID, question)]
    assert sorted(first) == sorted(second) == sorted(ids) and first != second
    assert first == [o["id"] for o in shuffled_options("4f2a9c0d1e3b5a67", SID, question)]
    orders = {tuple(o["id"] for o in shuffled_options(f"seed-{n}", SID, question)) for n in range(30)}
    assert len(orders) > 10                                 # spread, not two fixed orders
    assert [o["id"] for o in shuffled_options(None, SID, question)] == ids
    assert [o["id"] for o in shuffled_options("", SID, question)] == ids


def test_the_seed_is_written_with_the_first_answer_and_survives_a_reload(tmp_path, spec):
    case = opened(tmp_path, spec)
    assert not answers_path(tmp_path).exists()              # opening writes nothing
    seed = case.seed
    multiple = case.views["telefoon"].questions[1]
    shown = [oid for oid, _box in multiple.boxes]
    assert shown == [o["id"] for o in shuffled_options(seed, SID, multiple.q)]
    dict(multiple.boxes)["c"].value = True
    dict(multiple.boxes)["a"].value = True
    doc = on_disk(tmp_path)
    assert doc["shuffle_seed"] == seed and doc["answers"]["welke-regels"] == ["a", "c"]  # the scenario's order
    again = opened(tmp_path, spec)
    assert again.seed == seed and [oid for oid, _b in again.views["telefoon"].questions[1].boxes] == shown
    assert again.views["telefoon"].questions[1].value() == ["a", "c"]
    # graders ignore the field
    report = scoring.score_file(spec, answers_path(tmp_path))
    assert report["questions"]["welke-regels"]["status"] == "graded"


def test_two_windows_opened_before_any_answer_end_up_with_one_seed(tmp_path):
    tab1, tab2 = AnswersStore(tmp_path, SID), AnswersStore(tmp_path, SID)
    tab1.load()
    tab2.load()
    assert tab1.seed != tab2.seed
    tab1.set("reactie", "b")
    tab2.set("urgentie", 2)
    assert on_disk(tmp_path)["shuffle_seed"] == tab1.seed == tab2.seed


def test_a_file_without_a_seed_or_with_an_odd_one_still_works(tmp_path):
    answers_path(tmp_path).write_text(json.dumps({"format": "casuslab/answers-v1", "scenario": SID,
                                                  "answers": {"reactie": "b"}, "shuffle_seed": 42}), encoding="utf-8")
    store = AnswersStore(tmp_path, SID)
    store.load()
    assert store.corrupt_reason is None and isinstance(store.seed, str) and store.seed
    store.set("urgentie", 2)
    assert on_disk(tmp_path)["shuffle_seed"] == store.seed


def test_order_questions_keep_one_start_order_for_every_student(tmp_path, spec):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one, two = opened(tmp_path / "a", spec), opened(tmp_path / "b", spec)
    assert one.seed != two.seed
    question = spec["stages"][2]["questions"][0]
    pick(one.views["telefoon"].questions[0], "b")
    one.submit(one.views["telefoon"])
    pick(two.views["telefoon"].questions[0], "b")
    two.submit(two.views["telefoon"])
    assert one.views["overleg"].questions[0].order == two.views["overleg"].questions[0].order \
        == shuffled_items(SID, question)
