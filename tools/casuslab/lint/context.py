"""What every rule works on: the raw YAML data with its positions, and a problem collector.

Rules read the *raw* data (plain dicts and lists from the YAML), not the pydantic
model, so they also run on a file the model rejects. Every accessor here is
defensive: a missing or wrongly typed field yields nothing, never an exception.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, Iterator

from casuslab.i18n import _
from casuslab.lint.codes import WARNINGS
from casuslab.lint.problems import Problem
from casuslab.scenario.yamlpos import PathKey, Positions


def as_id(value: Any) -> str | None:
    """An id as text (YAML reads `id: 1` as a number), or None when it is no usable id."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value:
        return value
    return None


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def suggest(name: str, known: list[str]) -> str:
    """' (did you mean 'x'?)' when a known name is close, else ''."""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return " " + _("(did you mean '{name}'?)").format(name=close[0]) if close else ""


def stages(data: Any) -> Iterator[tuple[PathKey, dict]]:
    """(position key, stage) for every stage that is a mapping."""
    for i, stage in enumerate(as_list(as_dict(data).get("stages"))):
        if isinstance(stage, dict):
            yield ("stages", i), stage


def questions(data: Any) -> Iterator[tuple[PathKey, dict, dict]]:
    """(position key, stage, question) for every question that is a mapping."""
    for skey, stage in stages(data):
        for j, question in enumerate(as_list(stage.get("questions"))):
            if isinstance(question, dict):
                yield skey + ("questions", j), stage, question


def entries(container: dict, name: str, base: PathKey) -> Iterator[tuple[PathKey, dict]]:
    """(position key, entry) for every mapping in the list ``container[name]``."""
    for k, entry in enumerate(as_list(container.get(name))):
        if isinstance(entry, dict):
            yield base + (name, k), entry


@dataclass
class Report:
    """Collects problems for one file; the severity follows from the code."""

    positions: Positions
    problems: list[Problem] = field(default_factory=list)

    def _add(self, location, code: str, message: str) -> None:
        severity = "warning" if code in WARNINGS else "error"
        self.problems.append(Problem(location, code, message, severity))

    def value(self, key: PathKey, code: str, message: str) -> None:
        """A problem with the value at ``key``."""
        self._add(self.positions.value(key), code, message)

    def key(self, key: PathKey, code: str, message: str) -> None:
        """A problem with the field name at ``key`` (e.g. a whole list)."""
        self._add(self.positions.key(key), code, message)

    def line(self, key: PathKey) -> int:
        return self.positions.value(key).line
