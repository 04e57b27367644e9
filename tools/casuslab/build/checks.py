"""Reading and checking the inputs of a build: the course plan, scenarios, catalogues.

The linter is the judge (``casuslab.lint.check``): the build refuses whatever
``casuslab lint`` reports as an error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from casuslab.errors import BuildError, Location
from casuslab.i18n import _
from casuslab.lint.problems import Problem
from casuslab.lint.check import check_course as lint_check_course
from casuslab.lint.check import check_scenario as lint_check_scenario
from casuslab.scenario.load import find_catalogue, load_catalogue, load_course
from casuslab.scenario.model import Course, Scenario

SKIP_NAMES = {"references.yaml", "course.yaml"}
SCENARIO_SUFFIXES = (".yaml",)


def find_scenarios(scenarios_dir: Path) -> dict[str, Path]:
    """Every scenario file under ``scenarios_dir`` (recursive), by id (= the file's stem)."""
    scenarios_dir = Path(scenarios_dir)
    if not scenarios_dir.is_dir():
        raise BuildError("CL504 " + _("the scenarios folder does not exist (use --scenarios DIR)"),
                         Location(str(scenarios_dir)))
    found: dict[str, Path] = {}
    for path in sorted(scenarios_dir.rglob("*")):
        if not path.is_file() or path.suffix not in SCENARIO_SUFFIXES or path.name in SKIP_NAMES:
            continue
        if path.name.endswith((".schema.json", ".schema.yaml")) or any(p.startswith(".") for p in path.relative_to(scenarios_dir).parts):
            continue
        if path.stem in found:
            raise BuildError(
                "CL505 " + _("two scenario files with the id '{id}': {first} and {second}; ids must be unique in "
                             "the course").format(id=path.stem, first=found[path.stem], second=path),
                Location(str(path)),
            )
        found[path.stem] = path
    return found


def check_catalogues(scenario_paths: list[Path]) -> list[Problem]:
    """The linter's problems with every catalogue serving ``scenario_paths`` (each once)."""
    from casuslab.lint.check import check_catalogue

    problems: list[Problem] = []
    for path in sorted({c for c in (find_catalogue(p) for p in scenario_paths) if c is not None}):
        problems.extend(check_catalogue(path)[1])
    return problems


def check_scenario(path: Path) -> tuple[Scenario | None, list[Problem]]:
    """The linter's verdict on one scenario file: (model or None, every problem)."""
    from casuslab.lint.rules_course import shown

    return lint_check_scenario(path, display=shown(Path(path).resolve()))


# The course rules about scenario files (CL501, CL503-CL505) look in the folder beside
# the course folder; the build checks them itself against the folder it was given.
_FOLDER_CODES = {"CL501", "CL503", "CL504", "CL505"}


def check_course(path: Path) -> tuple[Course | None, list[Problem], Any]:
    """The course plan's model, its problems and its positions (for later messages)."""
    loaded = load_course(path)
    _model, problems = lint_check_course(path)
    return loaded.model, [p for p in problems if p.code not in _FOLDER_CODES], loaded.positions


def load_references(scenario_path: Path) -> dict[str, dict]:
    """The catalogue serving ``scenario_path`` (key -> entry as JSON data); {} when none."""
    catalogue_path = find_catalogue(scenario_path)
    if catalogue_path is None:
        return {}
    loaded = load_catalogue(catalogue_path)
    if loaded.model is None:
        return {}
    return json.loads(loaded.model.model_dump_json(exclude_none=True))


def cited_catalogue(references: list[str], catalogue: dict[str, dict]) -> dict[str, dict]:
    """The entries a scenario cites, plus their replacements and predecessors (both numbers)."""
    keys = set()
    for key in references:
        if key not in catalogue:
            continue
        keys.add(key)
        if catalogue[key].get("replaced_by") in catalogue:
            keys.add(catalogue[key]["replaced_by"])
        keys.update(k for k, v in catalogue.items() if v.get("replaced_by") == key)
    return {k: catalogue[k] for k in sorted(keys)}
