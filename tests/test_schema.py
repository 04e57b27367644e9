"""The committed JSON Schema matches the models, and accepts and rejects what lint does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from casuslab.lint.check import check_scenario
from casuslab.scenario.schema import SCHEMA_COMMENT, render_schema

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "scenarios" / "scenario.schema.json"
EXAMPLE = Path(__file__).parent / "data" / "politie-aan-de-lijn.yaml"
REPO_SCENARIOS = sorted(p for p in (ROOT / "scenarios").rglob("*.yaml") if p.name != "references.yaml")


def as_json(path_or_text) -> object:
    """What an editor validates: the YAML as JSON (mapping keys become text, as in the YAML language server)."""
    text = path_or_text.read_text(encoding="utf-8") if isinstance(path_or_text, Path) else path_or_text
    return json.loads(json.dumps(yaml.safe_load(text), default=str))


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(COMMITTED.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def test_committed_schema_is_up_to_date():
    assert COMMITTED.read_text(encoding="utf-8") == render_schema(), (
        "scenarios/scenario.schema.json differs from the models: run 'casuslab schema' and commit it")


def test_schema_is_deterministic_and_draft7():
    text = render_schema()
    assert text == render_schema() and text.endswith("}\n")
    schema = json.loads(text)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert "$defs" not in text and schema["additionalProperties"] is False
    assert "Leerdoelen" in schema["properties"]["objectives"]["description"]


def test_example_is_valid(validator):
    assert list(validator.iter_errors(as_json(EXAMPLE))) == []


@pytest.mark.parametrize("path", REPO_SCENARIOS, ids=[p.stem for p in REPO_SCENARIOS])
def test_schema_accepts_every_scenario_lint_accepts(path, validator):
    if not path.exists():
        pytest.skip("removed while the tests ran")
    assert path.read_text(encoding="utf-8").startswith(SCHEMA_COMMENT + "\n"), "first line: the schema comment"
    model, problems = check_scenario(path)
    if model is not None:
        assert list(validator.iter_errors(as_json(path))) == []


@pytest.mark.parametrize("old,new,field", [
    ("minutes: 25", "minuten: 25", "minuten"),                                  # a typo'd field
    ("    title: Een telefoontje", "    titel: Een telefoontje", "titel"),      # a typo in a stage
    ("theme: beroepsgeheim", "theme: zorg", "theme"),                           # not a theme
    ("  - id: telefoon\n", "  - id: Telefoon\n", "id"),                         # not a slug
    ("type: order", "type: ranking", "type"),                                   # unknown type
    ("        words: [60, 250]\n", "        words: [60, 250]\n        points: 5\n", "points"),  # open with points
    ("level: 1", "level: 4", "level"),
])
def test_schema_rejects_what_lint_rejects(old, new, field, validator):
    text = EXAMPLE.read_text(encoding="utf-8")
    assert text.count(old) == 1
    errors = list(validator.iter_errors(as_json(text.replace(old, new))))
    assert errors, f"the schema accepted {new.strip()!r}"
    assert any(field in e.message or field in map(str, e.absolute_path) or
               any(field in c.message for c in e.context) for e in errors)


def test_schema_command_writes_and_checks(tmp_path):
    out = tmp_path / "scenarios" / "scenario.schema.json"
    out.parent.mkdir()
    run = [sys.executable, "-m", "casuslab.cli", "schema"]
    result = subprocess.run(run + ["--check", "-o", str(out)], capture_output=True, text=True)
    assert result.returncode == 1 and "is verouderd" in result.stdout
    result = subprocess.run(run, capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8") == render_schema()
    result = subprocess.run(run + ["--check"], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0 and "is bijgewerkt" in result.stdout
    result = subprocess.run(run, capture_output=True, text=True, cwd=tmp_path / "scenarios")
    assert result.returncode == 2 and "bestaat niet" in result.stderr and "Traceback" not in result.stderr
