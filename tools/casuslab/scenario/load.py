"""Read a scenario, catalogue or course file into its model, mapping every error to a Problem.

``load_*`` functions never raise for bad input: they return the model (or None)
and the list of problems, each with path, line and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import pydantic

from casuslab.errors import Location
from casuslab.i18n import N_, _
from casuslab.lint.problems import Problem
from casuslab.scenario.model import QUESTION_TYPES, Catalogue, Course, Scenario
from casuslab.scenario.yamlpos import Positions, YamlProblem, read_yaml

M = TypeVar("M")


@dataclass
class Loaded(Generic[M]):
    path: Path
    model: M | None
    positions: Positions | None
    data: Any = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.model is not None and not any(p.is_error for p in self.problems)


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return _("yes/no")
    if isinstance(value, int):
        return _("a whole number")
    if isinstance(value, float):
        return _("a number")
    if isinstance(value, str):
        return _("text")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("a mapping")
    if value is None:
        return _("nothing")
    return type(value).__name__


_EXPECTED = {  # translated where shown
    "string_type": N_("text"),
    "int_type": N_("a whole number"),
    "float_type": N_("a number"),
    "bool_type": N_("true or false"),
    "list_type": N_("a list (lines starting with '- ', or [a, b])"),
    "dict_type": N_("a mapping (fields 'name: value')"),
    "model_type": N_("a mapping (fields 'name: value')"),
    "model_attributes_type": N_("a mapping (fields 'name: value')"),
    "date_type": N_("a date (YYYY-MM-DD)"),
    "datetime_type": N_("a date and time (YYYY-MM-DDTHH:MM:SS+01:00)"),
}


def _one_of(expected: str) -> str:
    """pydantic's "'a', 'b' or 'c'" with the user's word for 'or'."""
    return expected.replace("' or '", "' {or_} '".format(or_=_("or")))


def _strip_tags(loc: tuple, data: Any) -> tuple:
    """Drop the discriminator values pydantic inserts into locations (…, 'single', …)."""
    out: list = []
    node = data
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part not in node and node.get("type") == part:
            continue
        if isinstance(part, str) and part.startswith(("function-", "constrained-")):
            continue
        out.append(part)
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            node = None
    return tuple(out)


def _field_name(loc: tuple) -> str:
    parts = []
    for p in loc:
        parts.append(f"[{p + 1}]" if isinstance(p, int) else (("." if parts else "") + str(p)))
    return "".join(parts) or _("the file")


def problems_from_validation(exc: pydantic.ValidationError, data: Any, positions: Positions) -> list[Problem]:
    """Turn pydantic's errors into Problems that point at the right line."""
    problems: list[Problem] = []
    seen: set = set()
    for err in exc.errors(include_url=False):
        kind = err["type"]
        loc = _strip_tags(tuple(err["loc"]), data)
        # dict keys validated against a type come as (..., key, '[key]')
        loc = tuple(p for p in loc if not (isinstance(p, str) and p == "[key]"))
        name = _field_name(loc)
        value = err.get("input")
        if kind == "extra_forbidden":
            field_ = loc[-1]
            problem = Problem(positions.key(loc), "CL101", _(
                "unknown field '{field}' (a typo?); check the spelling against the fields this place allows"
            ).format(field=field_))
        elif kind == "missing":
            problem = Problem(positions.mapping(loc[:-1]), "CL102",
                              _("required field '{field}' is missing").format(field=loc[-1]))
        elif kind in ("union_tag_invalid", "union_tag_not_found"):
            shown = value.get("type") if isinstance(value, dict) else None
            if kind == "union_tag_not_found":
                problem = Problem(positions.mapping(loc), "CL102", _(
                    "required field 'type' is missing in {field}: one of {types}"
                ).format(field=name, types=", ".join(QUESTION_TYPES)))
            else:
                problem = Problem(positions.value(loc + ("type",)), "CL106", _(
                    "unknown question type '{type}'; expected one of {types}"
                ).format(type=shown, types=", ".join(QUESTION_TYPES)))
        elif kind == "string_pattern_mismatch":
            problem = Problem(
                positions.value(loc), "CL105",
                _("'{value}' in {field} is not a valid id: use lowercase letters, digits and '-', starting with "
                  "a letter or digit (max 63)").format(value=value, field=name),
            )
        elif kind == "literal_error":
            expected = err.get("ctx", {}).get("expected", "")
            code = "CL107" if loc and loc[-1] == "format" else "CL104"
            problem = Problem(positions.value(loc), code, _("{field} is '{value}', expected {expected}").format(
                field=name, value=value, expected=_one_of(expected)))
        elif kind in _EXPECTED:
            problem = Problem(
                positions.value(loc), "CL103",
                (_("{field} must be {expected}, not {actual} (put text between quotes)")
                 if kind == "string_type" and not isinstance(value, (list, dict))
                 else _("{field} must be {expected}, not {actual}")).format(
                    field=name, expected=_(_EXPECTED[kind]), actual=_describe(value)),
            )
        elif kind in ("too_short", "too_long"):
            ctx = err.get("ctx", {})
            bound = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
            message = (_("{field} has {count} entries; expected at least {bound}") if kind == "too_short"
                       else _("{field} has {count} entries; expected at most {bound}"))
            count = ctx.get("actual_length", len(value) if hasattr(value, "__len__") else "?")
            problem = Problem(positions.value(loc), "CL104", message.format(field=name, count=count, bound=bound))
        elif kind == "string_too_short":
            problem = Problem(positions.value(loc), "CL104", _("{field} is empty; write a text").format(field=name))
        elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
            ctx = err.get("ctx", {})
            bound = next(iter(ctx.values()), "?")
            rel = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<", "less_than_equal": "<="}[kind]
            problem = Problem(positions.value(loc), "CL104", _("{field} is {value}; it must be {relation} {bound}").format(
                field=name, value=value, relation=rel, bound=bound))
        else:
            problem = Problem(positions.value(loc), "CL104", _("{field} has a value that is not allowed here ({problem})").format(
                field=name, problem=err["msg"]))
        key = (problem.location, problem.code, problem.message)
        if key not in seen:
            seen.add(key)
            problems.append(problem)
    return problems


def _load(path: Path, model: type, what: str, display: str | None) -> Loaded:
    path = Path(path)
    shown = display or str(path)
    try:
        loaded = read_yaml(path, display=shown)
    except YamlProblem as exc:
        return Loaded(path, None, None, None, [Problem(exc.location or Location(shown), exc.code, exc.message)])
    if not isinstance(loaded.data, dict):
        return Loaded(path, None, loaded.positions, loaded.data, [
            Problem(Location(shown, 1, 1), "CL009", _("the top level must be a mapping of fields ({fields}), not {actual}").format(
                fields=_(what), actual=_describe(loaded.data)))
        ])
    try:
        instance = model.model_validate(loaded.data)
    except pydantic.ValidationError as exc:
        return Loaded(path, None, loaded.positions, loaded.data, problems_from_validation(exc, loaded.data, loaded.positions))
    return Loaded(path, instance, loaded.positions, loaded.data, [])


def load_scenario(path: Path | str, display: str | None = None) -> Loaded[Scenario]:
    return _load(Path(path), Scenario, N_("format, id, title, theme, objectives, stages, ..."), display)


def load_catalogue(path: Path | str, display: str | None = None) -> Loaded[Catalogue]:
    return _load(Path(path), Catalogue, N_("reference keys, each with label, title, summary, source"), display)


def load_course(path: Path | str, display: str | None = None) -> Loaded[Course]:
    return _load(Path(path), Course, N_("format, course_id, title, assignments"), display)


def find_catalogue(scenario_path: Path) -> Path | None:
    """The references.yaml of the nearest folder, from the scenario's own folder upwards."""
    for folder in Path(scenario_path).resolve().parents:
        candidate = folder / "references.yaml"
        if candidate.is_file():
            return candidate
    return None
