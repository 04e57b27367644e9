"""Reading and checking the inputs of a build: the course plan, scenarios, catalogues.

The linter (``casuslab.lint``) is the judge: ``check_scenario(path)`` and, when it
exists, ``check_course(path)``. Without them the loaders' own problems are used.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from casuslab.errors import BuildError, Location
from casuslab.lint.problems import Problem
from casuslab.scenario.load import find_catalogue, load_catalogue, load_course, load_scenario
from casuslab.scenario.model import Course, Scenario

SKIP_NAMES = {"references.yaml", "references.yml"}
SCENARIO_SUFFIXES = (".yaml", ".yml")


def find_scenarios(scenarios_dir: Path) -> dict[str, Path]:
    """Every scenario file under ``scenarios_dir`` (recursive), by id (= the file's stem)."""
    scenarios_dir = Path(scenarios_dir)
    if not scenarios_dir.is_dir():
        raise BuildError("CL504 the scenarios folder does not exist (use --scenarios DIR)", Location(str(scenarios_dir)))
    found: dict[str, Path] = {}
    for path in sorted(scenarios_dir.rglob("*")):
        if not path.is_file() or path.suffix not in SCENARIO_SUFFIXES or path.name in SKIP_NAMES:
            continue
        if path.name.endswith((".schema.json", ".schema.yaml")) or any(p.startswith(".") for p in path.relative_to(scenarios_dir).parts):
            continue
        if path.stem in found:
            raise BuildError(
                f"CL505 two scenario files with the id '{path.stem}': {found[path.stem]} and {path}; ids must be unique in the course",
                Location(str(path)),
            )
        found[path.stem] = path
    return found


def check_scenario(path: Path) -> tuple[Scenario | None, list[Problem]]:
    """The linter's verdict on one scenario file (model or None, problems)."""
    try:
        from casuslab.lint import check_scenario as lint_check  # type: ignore[attr-defined]
    except ImportError:
        lint_check = None
    if lint_check is not None:
        model, problems = lint_check(path)
        return model, list(problems)
    loaded = load_scenario(path)
    problems = list(loaded.problems)
    if loaded.model is not None and loaded.model.references:
        catalogue = load_references(path)
        for i, key in enumerate(loaded.model.references):
            if key not in catalogue:
                where = loaded.positions.value(("references", i)) if loaded.positions else Location(str(path))
                problems.append(Problem(where, "CL214", f"reference '{key}' is not in the catalogue (references.yaml)"))
    return loaded.model, problems


def check_course(path: Path) -> tuple[Course | None, list[Problem], Any]:
    """The course plan's model, its problems and its positions (for later messages)."""
    loaded = load_course(path)
    problems = list(loaded.problems)
    try:
        from casuslab.lint import check_course as lint_course  # type: ignore[attr-defined]
    except ImportError:
        lint_course = None
    if lint_course is not None:
        try:
            _model, lint_problems = lint_course(path)
        except TypeError:
            lint_problems = []
        seen = {(p.location, p.code) for p in problems}
        problems.extend(p for p in lint_problems if (p.location, p.code) not in seen)
    return loaded.model, problems, loaded.positions


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
