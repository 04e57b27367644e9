"""check_scenario / require_valid_scenario: what build and score use to refuse invalid scenarios."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from casuslab.errors import ScenarioInvalid
from casuslab.lint.check import check_scenario, require_valid_scenario
from casuslab.lint.rules_text import old_only_citations, replacements, sentences
from casuslab.scenario.model import Scenario

DATA = Path(__file__).parent / "data"
UNEQUAL = ("        points: 2\n        scoring: pairs", "        points: 3\n        scoring: pairs")


def example(tmp_path, change=None, catalogue=True) -> Path:
    text = (DATA / "politie-aan-de-lijn.yaml").read_text(encoding="utf-8")
    if change:
        assert text.count(change[0]) == 1
        text = text.replace(*change)
    if catalogue:
        shutil.copy(DATA / "references.yaml", tmp_path / "references.yaml")
    path = tmp_path / "politie-aan-de-lijn.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_example(tmp_path):
    model, problems = check_scenario(example(tmp_path))
    assert isinstance(model, Scenario) and problems == []
    assert require_valid_scenario(tmp_path / "politie-aan-de-lijn.yaml").id == "politie-aan-de-lijn"


def test_model_but_rule_errors(tmp_path):
    model, problems = check_scenario(example(tmp_path, UNEQUAL))
    assert model is not None and [p.code for p in problems] == ["CL210"]
    with pytest.raises(ScenarioInvalid) as info:
        require_valid_scenario(tmp_path / "politie-aan-de-lijn.yaml")
    assert [p.code for p in info.value.problems] == ["CL210"]
    assert "politie-aan-de-lijn.yaml:25:13: CL210" in info.value.message


def test_no_model_still_all_problems(tmp_path):
    path = example(tmp_path, ("minutes: 25\n", "minuten: 25\n"))
    text = path.read_text(encoding="utf-8").replace("accept: [1, 2]", "accept: [2, 1]")
    path.write_text(text, encoding="utf-8")
    model, problems = check_scenario(path)
    assert model is None
    assert [(p.code, p.location.line) for p in problems] == [("CL101", 7), ("CL212", 135)]


def test_warnings_do_not_make_a_scenario_invalid(tmp_path):
    path = example(tmp_path, ("            feedback: Klopt, ook de hulprelatie zelf is een geheim.\n", ""))
    assert [p.severity for p in check_scenario(path)[1]] == ["warning"]
    assert require_valid_scenario(path).id == "politie-aan-de-lijn"


def test_score_refuses_an_invalid_scenario(tmp_path):
    scenario = example(tmp_path, UNEQUAL)
    answers = tmp_path / "politie-aan-de-lijn.answers.json"
    answers.write_text(json.dumps({"format": "casuslab/answers-v1", "scenario": "politie-aan-de-lijn",
                                   "answers": {}}), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "casuslab.cli", "score", str(scenario), str(answers), "--json"],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "CL210" in result.stderr and "Traceback" not in result.stderr


CATALOGUE = {
    "sw-458": {"label": "art. 458 Sw.", "replaced_by": "sw2024-352"},
    "sw2024-352": {"label": "art. 352 Sw. (2024)"},
    "sw-458bis": {"label": "art. 458bis Sw.", "replaced_by": "sw2024-353-1"},
    "sw2024-353-1": {"label": "art. 353 §1 Sw. (2024)"},
    "sw-422bis": {"label": "art. 422bis Sw.", "replaced_by": "sw2024-299"},
    "sw2024-299": {"label": "art. 299 Sw. (2024)"},
    "sv-46bis1": {"label": "art. 46bis/1 Sv."},
}


@pytest.mark.parametrize("text,cited", [
    ("Zie art. 458.", ["458"]),
    ("Dat staat in 458 Sw. en nergens anders.", ["458"]),
    ("Je spreekrecht (458bis) geldt hier.", ["458bis"]),
    ("Je spreekrecht (art. 458 bis Sw.) geldt hier.", ["458 bis"]),
    ("Art. 422bis Sw. geldt. Nieuw: art. 299.", ["422bis"]),          # the new number in another sentence
    ("Art. 458 Sw. (nieuw Strafwetboek art. 352) geldt.", []),
    ("art. 458bis Sw. (nieuw: art. 353 §1)", []),
    ("Er wachtten 458 mensen.", []),                                  # a number, not a citation
    ("Zie art. 46bis/1 Sv.", []),                                     # not replaced
    ("Art. 458 Sw. en art. 458bis Sw.; nieuw: art. 352.", ["458bis"]),
])
def test_old_number_citations(text, cited):
    table = replacements(CATALOGUE)
    assert [c for c, _ in old_only_citations(text, table)] == cited


def test_replacements_come_from_the_catalogue():
    table = {r.old: r.new for r in replacements(CATALOGUE)}
    assert table == {"458": ("352",), "458bis": ("353",), "422bis": ("299",)}


def test_sentences_keep_abbreviations():
    assert sentences("Zie art. 458 Sw. (nieuw: art. 352). Dat is zo.\n\n- een\n- twee") == [
        "Zie art. 458 Sw. (nieuw: art. 352). ", "Dat is zo.", "- een", "- twee"]
