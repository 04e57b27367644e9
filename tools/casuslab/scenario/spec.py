"""The scenario as plain JSON data: what graders, notebooks and the student runtime use."""

from __future__ import annotations

import json

from casuslab.scenario.model import Scenario


def to_spec(scenario: Scenario) -> dict:
    """The full scenario (keys included) as JSON-compatible data, deterministic."""
    return json.loads(scenario.model_dump_json(exclude_none=True))
