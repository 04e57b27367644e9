"""`casuslab new THEME ID`: a skeleton that lints clean, never overwrites, refuses bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from casuslab.scenario.schema import SCHEMA_COMMENT, scenario_schema


def casuslab(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "casuslab.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=60)


@pytest.fixture()
def course(tmp_path) -> Path:
    (tmp_path / "scenarios").mkdir()
    return tmp_path


def test_new_writes_a_skeleton_that_lints_clean(course):
    result = casuslab("new", "beroepsgeheim", "een-nieuwe-casus", cwd=course)
    assert result.returncode == 0, result.stderr
    target = course / "scenarios" / "beroepsgeheim" / "een-nieuwe-casus.yaml"
    assert "scenarios/beroepsgeheim/een-nieuwe-casus.yaml" in result.stdout
    text = target.read_text(encoding="utf-8")
    assert text.startswith(SCHEMA_COMMENT + "\n")
    assert text.count("#") > 40  # every field explained
    lint = casuslab("lint", target, cwd=course)
    assert lint.returncode == 0 and lint.stdout.strip() == "geen problemen in 1 bestand", lint.stdout
    data = yaml.safe_load(text)
    assert (data["id"], data["theme"], data["title"]) == ("een-nieuwe-casus", "beroepsgeheim", "Een nieuwe casus")
    jsonschema.Draft7Validator(scenario_schema()).validate(json.loads(json.dumps(data)))


@pytest.mark.parametrize("theme", ["ethiek", "behoefteanalyse"])
def test_new_with_scenarios_option(tmp_path, theme):
    folder = tmp_path / "elders"
    folder.mkdir()
    result = casuslab("new", theme, "x1", "--scenarios", folder, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert casuslab("lint", folder, cwd=tmp_path).returncode == 0


def test_new_never_overwrites(course):
    assert casuslab("new", "ethiek", "casus", cwd=course).returncode == 0
    target = course / "scenarios" / "ethiek" / "casus.yaml"
    target.write_text("# mijn werk\n", encoding="utf-8")
    result = casuslab("new", "ethiek", "casus", cwd=course)
    assert result.returncode == 2 and "bestaat al" in result.stderr
    assert target.read_text(encoding="utf-8") == "# mijn werk\n"
    other_theme = casuslab("new", "beroepsgeheim", "casus", cwd=course)  # ids are unique in the course
    assert other_theme.returncode == 2 and "bestaat al" in other_theme.stderr
    assert not (course / "scenarios" / "beroepsgeheim" / "casus.yaml").exists()


@pytest.mark.parametrize("theme,ident,message", [
    ("zorg", "casus", "onbekend thema 'zorg'"),
    ("Ethiek", "casus", "onbekend thema 'Ethiek'"),
    ("ethiek", "Mijn Casus", "'Mijn Casus' is geen geldige id"),
    ("ethiek", "casus!", "is geen geldige id"),
    ("ethiek", "a" * 64, "is geen geldige id"),
    ("ethiek", "casus_1", "is geen geldige id"),
])
def test_new_refuses_bad_theme_or_id(course, theme, ident, message):
    result = casuslab("new", theme, ident, cwd=course)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr + result.stdout
    assert list((course / "scenarios").iterdir()) == []


def test_new_needs_the_scenarios_folder(tmp_path):
    result = casuslab("new", "ethiek", "casus", cwd=tmp_path)
    assert result.returncode == 2 and "bestaat niet" in result.stderr
    assert list(tmp_path.iterdir()) == []
