"""Load a file and run every rule on it: the one entry point for lint, build and score.

``check_scenario(path)`` returns the model (None when the file could not be read
into it) and *all* problems: YAML and schema problems from the loader, then the
rules across fields. Callers refuse a scenario when any problem is an error
(``require_valid_scenario`` does that for them).
"""

from __future__ import annotations

from pathlib import Path

from casuslab.errors import ScenarioInvalid
from casuslab.i18n import _
from casuslab.lint.context import Report
from casuslab.lint.problems import Problem
from casuslab.lint.rules_catalogue import check_catalogue_rules
from casuslab.lint.rules_course import check_course_rules, shown
from casuslab.lint.rules_graph import check_graph
from casuslab.lint.rules_scenario import check_ids, check_questions, check_references, refine_schema_problems
from casuslab.lint.rules_text import check_citations
from casuslab.scenario.load import Loaded, find_catalogue, load_catalogue, load_course, load_scenario
from casuslab.scenario.model import Catalogue, Course, Scenario
from casuslab.scenario.yamlpos import Positions


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """By path, line, column and code, without duplicates."""
    unique = {(p.location, p.code, p.message): p for p in problems}
    return sorted(unique.values(), key=lambda p: (p.location.path, p.location.line, p.location.col, p.code, p.message))


class Catalogues:
    """The catalogues read during one run, by resolved path (each read once)."""

    def __init__(self) -> None:
        self._loaded: dict[Path, Loaded] = {}

    def for_scenario(self, scenario_path: Path) -> tuple[dict | None, str]:
        """(the raw catalogue data, or None with the reason why there is none)."""
        path = find_catalogue(scenario_path)
        if path is None:
            return None, _("the scenario names references, but no references.yaml was found in its folder "
                           "or any folder above it")
        if path not in self._loaded:
            self._loaded[path] = load_catalogue(path)
        loaded = self._loaded[path]
        if not isinstance(loaded.data, dict):
            return None, _("the catalogue {path} cannot be read ({problem}); lint it and fix it first").format(
                path=shown(path), problem=loaded.problems[0].message)
        return loaded.data, ""


def check_scenario(path: Path | str, display: str | None = None,
                   catalogues: Catalogues | None = None) -> tuple[Scenario | None, list[Problem]]:
    """Load a scenario and run every rule: (the model or None, all problems sorted)."""
    path = Path(path)
    loaded = load_scenario(path, display)
    if loaded.positions is None or not isinstance(loaded.data, dict):
        return None, sort_problems(loaded.problems)
    catalogue, why_none = (catalogues or Catalogues()).for_scenario(path)
    problems = scenario_rules(loaded.data, loaded.positions, path.stem, loaded.problems, catalogue, why_none)
    return loaded.model, problems


def scenario_rules(data: dict, positions: Positions, stem: str, schema_problems: list[Problem],
                   catalogue: dict | None, why_none: str = "") -> list[Problem]:
    """Every rule across fields, on the raw data of a scenario; returns these and the schema problems, sorted."""
    report = Report(positions, refine_schema_problems(schema_problems, data, positions))
    check_ids(data, stem, report)
    check_graph(data, report)
    check_questions(data, report)
    check_references(data, catalogue, why_none, report)
    check_citations(data, catalogue, report)
    return sort_problems(report.problems)


def check_catalogue(path: Path | str, display: str | None = None) -> tuple[Catalogue | None, list[Problem]]:
    loaded = load_catalogue(Path(path), display)
    if loaded.positions is None or not isinstance(loaded.data, dict):
        return None, sort_problems(loaded.problems)
    report = Report(loaded.positions, list(loaded.problems))
    check_catalogue_rules(loaded.data, report)
    return loaded.model, sort_problems(report.problems)


def check_course(path: Path | str, display: str | None = None) -> tuple[Course | None, list[Problem]]:
    loaded = load_course(Path(path), display)
    if loaded.positions is None or not isinstance(loaded.data, dict):
        return None, sort_problems(loaded.problems)
    report = Report(loaded.positions, list(loaded.problems))
    check_course_rules(loaded.data, Path(path), report)
    return loaded.model, sort_problems(report.problems)


def require_valid_scenario(path: Path | str) -> Scenario:
    """The scenario's model, or ScenarioInvalid listing every error (warnings do not count)."""
    model, problems = check_scenario(path)
    errors = [p for p in problems if p.is_error]
    if model is None or errors:
        lines = "\n".join(p.line() for p in errors)
        raise ScenarioInvalid(_("the scenario has errors; fix them first (casuslab lint):") + "\n" + lines, errors)
    return model
