"""The linter never crashes: every node of the example replaced by a value of another type, or removed.

This runs the rules in memory (no YAML parsing) on the raw data, as lint does on a file the
pydantic model rejects.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pydantic
import yaml

from casuslab.lint.check import scenario_rules
from casuslab.scenario.load import problems_from_validation
from casuslab.scenario.model import Scenario
from casuslab.scenario.yamlpos import Positions

HERE = Path(__file__).parent
EXAMPLE = yaml.safe_load((HERE / "data" / "politie-aan-de-lijn.yaml").read_text(encoding="utf-8"))
CATALOGUE = yaml.safe_load((HERE / "data" / "references.yaml").read_text(encoding="utf-8"))
ODD_VALUES = [None, [], {}, 0, -1, 2.5, "", "x y", "klacht", True, [1, "a"], {"a": {"b": 1}}, {0: "x", 3: "y"}]


def nodes(value, at=()):
    yield at
    if isinstance(value, dict):
        for key, child in value.items():
            yield from nodes(child, at + (key,))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from nodes(child, at + (i,))


def mutated(at, replacement, remove=False):
    data = copy.deepcopy(EXAMPLE)
    parent = data
    for part in at[:-1]:
        parent = parent[part]
    if remove:
        del parent[at[-1]]
    else:
        parent[at[-1]] = replacement
    return data


def lint_data(data):
    positions = Positions("politie-aan-de-lijn.yaml")
    try:
        Scenario.model_validate(data)
        schema = []
    except pydantic.ValidationError as exc:
        schema = problems_from_validation(exc, data, positions)
    return scenario_rules(data, positions, "politie-aan-de-lijn", schema, CATALOGUE)


def test_example_has_no_problems_in_memory():
    assert lint_data(copy.deepcopy(EXAMPLE)) == []


def test_no_mutation_crashes_the_linter():
    checked = 0
    for at in list(nodes(EXAMPLE))[1:]:
        variants = [mutated(at, v) for v in ODD_VALUES] + [mutated(at, None, remove=True)]
        for data in variants:
            problems = lint_data(data)
            assert all(p.code.startswith("CL") and p.message for p in problems)
            checked += 1
    assert checked > 2000
