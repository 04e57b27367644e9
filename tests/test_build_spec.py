"""student_spec, grading_key, open_question: pure functions on the spec."""

from __future__ import annotations

import copy
import json

import pytest

from buildkit import DATA, SID, golden_check, key_strings
from casuslab.build.studentspec import grading_key, open_question, shuffled_items, student_spec
from casuslab.scenario.load import load_scenario
from casuslab.scenario.spec import to_spec


@pytest.fixture(scope="module")
def spec() -> dict:
    return to_spec(load_scenario(DATA / f"{SID}.yaml").model)


def questions(spec: dict) -> dict[str, dict]:
    return {q["id"]: q for s in spec["stages"] for q in s.get("questions") or []}


def test_practice_keeps_everything(spec):
    out = student_spec(spec, "practice", "oefen")
    assert out["mode"] == "practice" and out["assignment"] == "oefen"
    assert {k: v for k, v in out.items() if k not in ("mode", "assignment")} == spec


def test_exam_strips_every_key(spec):
    out = student_spec(spec, "exam", "examen")
    assert out["mode"] == "exam" and out["assignment"] == "examen"
    text = json.dumps(out, ensure_ascii=False)
    for needle in key_strings(spec):
        assert needle not in text, needle
    qs = questions(out)
    for q in qs.values():
        assert "model_answer" not in q and "accept" not in q
        for option in q.get("options", []):
            assert set(option) <= {"id", "text", "next"}  # no consequence: it gives the key away
    # what the student needs stays: texts, branches, criteria and their levels
    reactie = qs["reactie"]["options"]
    assert [o.get("next") for o in reactie] == ["klacht", "overleg", "overleg"]
    rubric = qs["motivering"]["rubric"]
    assert [c["criterion"] for c in rubric][0] == "Kent het zwijgrecht van de getuige"
    assert rubric[0]["levels"] == {"0": "", "1": "", "2": ""} and "evidence" not in rubric[0]
    assert qs["verplicht"]["min"] == 1 and qs["verplicht"]["max"] == 5 and qs["verplicht"]["labels"]


def test_exam_order_items_are_in_start_order_not_the_key(spec):
    q = questions(student_spec(spec, "exam"))["stappen"]
    key = [i["id"] for i in questions(spec)["stappen"]["items"]]
    shown = [i["id"] for i in q["items"]]
    assert sorted(shown) == sorted(key) and shown != key
    assert q["shuffled"] is True
    assert shown == [i["id"] for i in shuffled_items(SID, "stappen", questions(spec)["stappen"]["items"])]


def test_exam_golden(spec):
    golden_check(f"{SID}.exam.case.json", student_spec(spec, "exam", "examen"))


def test_pure(spec):
    before = copy.deepcopy(spec)
    for mode in ("practice", "exam"):
        student_spec(spec, mode)
    grading_key(spec)
    open_question(spec, "motivering")
    assert spec == before
    assert student_spec(spec, "exam") == student_spec(copy.deepcopy(spec), "exam")
    with pytest.raises(ValueError):
        student_spec(spec, "toets")


def test_grading_key_has_graph_and_keys_without_prose(spec):
    key = grading_key(spec)
    assert [s["id"] for s in key["stages"]] == ["telefoon", "klacht", "overleg", "dagvaarding"]
    assert key["stages"][1]["next"] == "dagvaarding" and key["stages"][3]["end"] is True
    qs = {q["id"]: q for s in key["stages"] for q in s["questions"]}
    assert qs["reactie"]["options"][1] == {"id": "b", "correct": True, "next": "overleg"}
    assert qs["welke-regels"]["scoring"] == "partial"
    assert [i["id"] for i in qs["stappen"]["items"]] == ["wie", "wet", "overleg", "noteren"]
    assert (qs["verplicht"]["min"], qs["verplicht"]["max"], qs["verplicht"]["accept"]) == (1, 5, [1, 2])
    assert qs["motivering"]["points"] == 5.0
    text = json.dumps(key, ensure_ascii=False)
    for prose in ("Lotte", "Klopt", "zwijgrecht|", "niet vermeld", "Wat antwoordt"):
        assert prose not in text


def test_grading_key_scores_like_the_full_spec(spec):
    from casuslab.scoring import path_max, score_document

    key = grading_key(spec)
    doc = {"scenario": SID, "answers": {"reactie": "b", "welke-regels": ["a"], "stappen": ["wet", "wie", "overleg", "noteren"], "verplicht": 2}}
    assert path_max(key) == path_max(spec) == 13.0
    assert score_document(key, doc)["questions"] == {
        qid: {k: v for k, v in entry.items() if k != "suggestion"} for qid, entry in score_document(spec, doc)["questions"].items()
    }


def test_open_question_carries_the_full_rubric(spec):
    q = open_question(spec, "motivering")
    assert set(q) == {"id", "type", "prompt", "rubric", "words", "model_answer"}
    assert q["rubric"][0]["evidence"] and q["rubric"][0]["levels"]["2"].startswith("legt uit")
    with pytest.raises(KeyError):
        open_question(spec, "bestaat-niet")
