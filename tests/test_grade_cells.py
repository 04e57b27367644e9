"""casuslab.student.grading: what the notebook's grading cells print and return."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from casuslab.student import grading

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "tests" / "data" / "politie-aan-de-lijn.yaml"
SID = "politie-aan-de-lijn"


@pytest.fixture(scope="module")
def spec() -> dict:
    from casuslab.scenario.load import load_scenario
    from casuslab.scenario.spec import to_spec

    return to_spec(load_scenario(EXAMPLE).model)


@pytest.fixture(scope="module")
def key(spec) -> dict:
    from casuslab.build.studentspec import grading_key

    return grading_key(spec)


def doc(**answers) -> dict:
    return {"format": "casuslab/answers-v1", "scenario": SID, "submitted_stages": [], "answers": answers}


@pytest.mark.parametrize("answers, qid, score, says", [
    ({"reactie": "b"}, "reactie", 2.0, "Dat is juist."),
    ({"reactie": "a"}, "reactie", 0.0, "Dat is niet juist."),
    ({"reactie": "z"}, "reactie", 0.0, "Ongeldig antwoord: 'z' is geen optie"),
    ({}, "reactie", 0.0, "Niet beantwoord."),
    ({"welke-regels": ["a", "c", "b"]}, "welke-regels", 1.0, "2 juist min 1 fout"),
    ({"reactie": "b", "stappen": ["wet", "wie", "overleg", "noteren"]}, "stappen", 1.67, "5 van 6 paren"),
    ({"verplicht": 2}, "verplicht", 1.0, "Dat valt erbinnen."),
    ({"verplicht": 3.0}, "verplicht", 0.0, "geen geheel getal"),
    ({"reactie": "b", "herstel": "a"}, "herstel", 0.0, "niet op het pad"),
])
def test_closed_report(key, answers, qid, score, says):
    text, got = grading.closed_report(SID, qid, key, doc(**answers), None)
    assert got == score
    assert says in text
    assert text.splitlines()[-1].startswith("Resultaat: ")


def test_grade_answer_in_a_folder(tmp_path, key):
    """Run the cell's code in a fresh interpreter with the notebook's folder as cwd."""
    (tmp_path / f"{SID}.answers.json").write_text(json.dumps(doc(reactie="b")), encoding="utf-8")
    code = ("from casuslab.student.grading import grade_answer\n"
            f"print(repr(grade_answer({SID!r}, 'reactie', {json.dumps(key)!r})))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stderr == ""
    assert out.stdout.splitlines()[-1] == "2.0"
    assert "Dat is juist." in out.stdout


@pytest.mark.parametrize("content, message", [
    (None, "er is geen antwoordbestand"),
    (b"{not json", "beschadigd"),
    (b"\xff\xfe garbage", "beschadigd"),
    (b"[" * 200_000 + b"]" * 200_000, "beschadigd"),       # nesting that breaks json's recursion
    (json.dumps({"scenario": "iets-anders", "answers": {}}).encode(), "andere casus"),
    (json.dumps({"scenario": SID, "answers": []}).encode(), "bevat geen antwoorden"),
    (json.dumps([1, 2]).encode(), "geen JSON-object"),
    (b" " * 1_100_000, "te groot"),
])
def test_broken_files_give_zero_and_a_message(tmp_path, monkeypatch, capsys, key, content, message):
    if content is not None:
        (tmp_path / f"{SID}.answers.json").write_bytes(content)
    monkeypatch.setattr(grading, "_here", lambda: tmp_path)
    for qid in ("reactie", "welke-regels", "verplicht"):
        assert grading.grade_answer(SID, qid, json.dumps(key)) == 0.0
    out = capsys.readouterr()
    assert message in out.out and out.err == ""
    grading.show_open_answer(SID, "motivering", json.dumps({"id": "motivering", "rubric": []}))
    assert message in capsys.readouterr().out


def test_grade_answer_never_raises(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(grading, "_here", lambda: tmp_path)
    assert grading.grade_answer(SID, "reactie", "not json") == 0.0
    assert grading.grade_answer("../../etc/passwd", "reactie", "{}") == 0.0
    assert grading.grade_answer(SID, "nope", '{"stages": "x"}') == 0.0
    grading.show_open_answer(SID, "x", "[[[")
    assert "Traceback" not in capsys.readouterr().out


def test_show_open_answer_prints_text_rubric_and_evidence(tmp_path, monkeypatch, capsys, spec):
    from casuslab.build.studentspec import open_question

    text = "Als getuige: ze mag zwijgen. Ze mag het niet melden zonder toestemming. Art. 458 bis Sw. <b>x</b>"
    (tmp_path / f"{SID}.answers.json").write_text(json.dumps(doc(motivering=text)), encoding="utf-8")
    monkeypatch.setattr(grading, "_here", lambda: tmp_path)
    assert grading.show_open_answer(SID, "motivering", json.dumps(open_question(spec, "motivering"))) is None
    out = capsys.readouterr().out
    assert text in out
    assert "suggestie 2 van 2" in out                       # zwijgrecht: 'mag zwijgen' + 'getuige'
    assert 'gevonden: "mag zwijgen"' in out
    assert "niveau 2: legt uit" in out                      # the level descriptors (comment bank)
    assert "niet gevonden: cue 458|352|strafwetboek" in out  # 458 bis is not 458
    assert "zwijgrecht=2; afweging=0; kader=0" in out
    assert "Modelantwoord:" in out


def test_unanswered_open_question(tmp_path, monkeypatch, capsys, spec):
    from casuslab.build.studentspec import open_question

    (tmp_path / f"{SID}.answers.json").write_text(json.dumps(doc(motivering="   ")), encoding="utf-8")
    monkeypatch.setattr(grading, "_here", lambda: tmp_path)
    grading.show_open_answer(SID, "motivering", json.dumps(open_question(spec, "motivering")))
    assert "niet beantwoord" in capsys.readouterr().out


def test_a_linked_answers_file_is_not_read(tmp_path):
    secret = tmp_path / "elders.json"
    secret.write_text(json.dumps(doc(reactie="b")), encoding="utf-8")
    (tmp_path / f"{SID}.answers.json").symlink_to(secret)
    found, error = grading.read_document(tmp_path, SID)
    assert found is None and "not a regular file" in error
    assert grading.dutch_error(error) == "het antwoordbestand kon niet gelezen worden"
