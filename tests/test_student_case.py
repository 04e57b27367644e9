"""The student runtime without a browser: the widgets' state machine, restoring, branching,
practice against exam mode, the start order of order questions, and escaping."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from casuslab.build import student_spec
from casuslab.scenario.load import load_scenario
from casuslab.scenario.spec import to_spec
from casuslab.student import open_case
from casuslab.student.case import Case, MissingCase
from casuslab.student.markup import markdown
from casuslab.student.questions import shuffled_items

DATA = Path(__file__).parent / "data"
SID = "politie-aan-de-lijn"


@pytest.fixture(scope="module")
def spec() -> dict:
    return to_spec(load_scenario(DATA / f"{SID}.yaml").model)


def write_case(folder: Path, spec: dict, mode: str = "practice") -> Path:
    path = folder / f"{SID}.case.json"
    path.write_text(json.dumps(student_spec(spec, mode, "oefenreeks"), ensure_ascii=False), encoding="utf-8")
    return path


def opened(folder: Path) -> Case:
    case = open_case(SID, folder, show=False)
    assert isinstance(case, Case)
    for stage in case.spec["stages"]:
        case.stage(stage["id"])
    return case


def pick(view, *option_ids: str) -> None:
    """Choose options by id, as a student clicks them (the order on screen is per student)."""
    if view.kind == "single":
        view.radio.index = view.ids.index(option_ids[0])
    else:
        boxes = dict(view.boxes)
        for oid in option_ids:
            boxes[oid].value = True


def answers_file(folder: Path) -> dict:
    return json.loads((folder / f"{SID}.answers.json").read_text(encoding="utf-8"))


def test_running_the_cells_writes_nothing(tmp_path, spec):
    write_case(tmp_path, spec)
    case = opened(tmp_path)
    assert not (tmp_path / f"{SID}.answers.json").exists()
    assert [v.state for v in case.views.values()] == ["open", "closed", "closed", "closed"]
    assert "Deel 1 van 3" in case.progress.value
    assert "Nog niets opgeslagen" in case.save_status.value


def test_answer_submit_branch_and_practice_feedback(tmp_path, spec):
    write_case(tmp_path, spec)
    case = opened(tmp_path)
    first = case.views["telefoon"]
    single, multiple = first.questions
    pick(single, "b")                            # option b -> overleg
    pick(multiple, "a", "c")
    assert answers_file(tmp_path)["answers"] == {"reactie": "b", "welke-regels": ["a", "c"]}
    assert "Opgeslagen om" in case.save_status.value
    first.ask_confirmation()
    assert first.confirming and "indienen" in first.confirm_text.value
    case.submit(first)
    assert answers_file(tmp_path)["submitted_stages"] == ["telefoon"]
    assert single.radio.disabled and all(box.disabled for _, box in multiple.boxes)
    assert "Juist" in single.feedback.value and "Gedeeltelijk juist" in multiple.feedback.value
    assert "De inspecteur is niet tevreden" in first.result.value       # the consequence
    assert "Teamoverleg" in first.result.value                          # where to read on
    assert case.views["klacht"].state == "skipped" and case.views["overleg"].state == "open"
    assert case.statusbar in case.views["overleg"].box.children
    assert case.statusbar not in first.box.children

    order = case.views["overleg"].questions[0]
    shown = list(order.order)
    order.move(0, +1)
    assert answers_file(tmp_path)["answers"]["stappen"] == [shown[1], shown[0]] + shown[2:]
    case.submit(case.views["overleg"])
    assert "De juiste volgorde" in order.feedback.value

    last = case.views["dagvaarding"]
    scale, text = last.questions
    scale.buttons.value = 2
    text.text.value = "Ik beroep me op mijn zwijgrecht als getuige."
    time.sleep(1.0)                              # typing is debounced, at most TYPING_DELAY
    doc = answers_file(tmp_path)
    assert doc["answers"]["verplicht"] == 2
    assert doc["answers"]["motivering"].startswith("Ik beroep me")
    assert "8 woorden" in text.count.value
    case.submit(last)
    assert "Modelantwoord" in text.feedback.value and "Beoordelingsrubric" in text.feedback.value
    assert "einde van de casus" in last.result.value and "Gesloten vragen" in last.result.value
    assert "Casus afgerond" in case.progress.value
    assert answers_file(tmp_path)["submitted_stages"] == ["telefoon", "overleg", "dagvaarding"]


def test_restart_restores_answers_locks_and_path(tmp_path, spec):
    write_case(tmp_path, spec)
    case = opened(tmp_path)
    pick(case.views["telefoon"].questions[0], "a")          # a -> klacht
    case.submit(case.views["telefoon"])
    pick(case.views["klacht"].questions[0], "c")
    again = opened(tmp_path)                                 # a new kernel runs all cells
    assert [v.state for v in again.views.values()] == ["submitted", "open", "skipped", "closed"]
    restored = again.views["telefoon"].questions[0]
    assert restored.value() == "a" and restored.radio.disabled
    assert again.views["klacht"].questions[0].value() == "c"
    assert again.views["klacht"].questions[0].ids == case.views["klacht"].questions[0].ids  # same order
    assert not again.views["klacht"].questions[0].radio.disabled
    assert "teruggezet" in again.save_status.value


def test_exam_mode_shows_no_feedback(tmp_path, spec):
    write_case(tmp_path, spec, "exam")
    case = opened(tmp_path)
    first = case.views["telefoon"]
    pick(first.questions[0], "b")
    case.submit(first)
    assert all(q.feedback.value == "" for q in first.questions)
    assert "Juist" not in first.result.value and "punten" not in first.result.value
    assert "Teamoverleg" in first.result.value


def test_unanswered_submit_takes_the_default_route(tmp_path, spec):
    write_case(tmp_path, spec)
    case = opened(tmp_path)
    first = case.views["telefoon"]
    first.ask_confirmation()
    assert "2 vragen hebben nog geen antwoord" in first.confirm_text.value
    case.submit(first)
    assert case.views["klacht"].state == "open"              # the following stage in the list


def test_corrupt_file_is_reported_to_the_student(tmp_path, spec):
    write_case(tmp_path, spec)
    (tmp_path / f"{SID}.answers.json").write_text("{kapot", encoding="utf-8")
    case = open_case(SID, tmp_path, show=True)
    assert "beschadigd" in case.notice.value and "answers.corrupt-" in case.notice.value
    assert "beschadigd" in case.save_status.value
    assert list(tmp_path.glob(f"{SID}.answers.corrupt-*.json"))


def test_missing_case_file_gives_a_plain_message(tmp_path):
    case = open_case("bestaat-niet", tmp_path, show=False)
    assert isinstance(case, MissingCase)
    assert "bestaat-niet.case.json" in case.message and "lector" in case.message
    case.stage("telefoon")  # never raises


def test_language_selects_the_catalogue(tmp_path, spec):
    write_case(tmp_path, dict(spec, language="fr"))
    case = opened(tmp_path)
    assert case.views["telefoon"].submit_button.description == "Soumettre"
    write_case(tmp_path, dict(spec, language="en"))
    assert opened(tmp_path).views["telefoon"].submit_button.description == "Submit"


def test_order_start_is_fixed_and_never_the_key(spec):
    question = spec["stages"][2]["questions"][0]
    key = [i["id"] for i in question["items"]]
    first = shuffled_items(SID, question)
    assert first == shuffled_items(SID, question) and sorted(first) == sorted(key) and first != key
    for n in range(3, 9):
        items = [{"id": f"i{k}", "text": str(k)} for k in range(n)]
        for qid in ("a", "b", "c", "d", "e"):
            assert shuffled_items("s", {"id": qid, "items": items}) != [i["id"] for i in items]


def test_student_text_is_escaped_everywhere(tmp_path, spec):
    evil = '<img src=x onerror="alert(1)">'
    hostile = json.loads(json.dumps(spec))
    hostile["stages"][0]["title"] = evil
    hostile["stages"][0]["text"] = evil + " **vet**"
    hostile["stages"][0]["questions"][0]["options"][1]["consequence"] = evil
    write_case(tmp_path, hostile)
    case = opened(tmp_path)
    first = case.views["telefoon"]
    pick(first.questions[0], "b")
    case.submit(first)
    html = first.header.value + first.result.value + first.questions[0].feedback.value
    assert "<img" not in html and "&lt;img" in html and "<strong>vet</strong>" in html


def test_markdown_subset():
    html = markdown("# Kop\n\nEen *klein* `stuk` [link](https://example.org).\n\n- een\n- twee\n\n> citaat")
    assert "<h3>Kop</h3>" in html and "<em>klein</em>" in html and "<code>stuk</code>" in html
    assert '<a href="https://example.org"' in html and "<ul><li>een</li><li>twee</li></ul>" in html
    assert "<blockquote><p>citaat</p></blockquote>" in html
    assert "javascript" not in markdown("[x](javascript:alert(1))").replace("[x](javascript:alert(1))", "")
