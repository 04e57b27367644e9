"""Every problem code casuslab reports, with a one-line description.

Codes are stable: a code, once published, keeps its meaning. Ranges:
CL0xx the YAML itself, CL1xx fields and types (the schema), CL2xx rules across
fields of a scenario, CL3xx warnings, CL4xx the reference catalogue, CL5xx the
course plan.
"""

from __future__ import annotations

CODES: dict[str, str] = {
    # YAML (scenario/yamlpos.py, scenario/load.py)
    "CL001": "the file is not valid YAML",
    "CL002": "a key is given twice in the same mapping",
    "CL003": "a key that is not a plain word, or a YAML merge key ('<<')",
    "CL004": "a tab character used for indentation",
    "CL005": "an unquoted ': ' inside a text (quote the text)",
    "CL006": "the file is empty",
    "CL007": "the file cannot be found or read",
    "CL008": "the file is not UTF-8 text",
    "CL009": "the top level is not a mapping of fields",
    # Fields and types (scenario/load.py, from the pydantic models)
    "CL101": "unknown field (a typo?)",
    "CL102": "a required field is missing",
    "CL103": "a field has the wrong type",
    "CL104": "a value is out of range or not one of the allowed values",
    "CL105": "an id is not a valid slug",
    "CL106": "unknown question type",
    "CL107": "wrong 'format' literal",
    # Scenario rules (lint/rules_scenario.py, lint/rules_graph.py)
    "CL201": "the scenario's id differs from its file name",
    "CL202": "two stages have the same id",
    "CL203": "two questions in the scenario have the same id",
    "CL204": "two options of a question have the same id",
    "CL205": "two items of an order question have the same id",
    "CL206": "two rubric criteria of a question have the same id",
    "CL207": "a 'next' names a stage that does not exist",
    "CL208": "a stage can never be reached",
    "CL209": "the stages form a cycle",
    "CL210": "paths through the scenario carry different maximum points",
    "CL211": "a scale's min is not less than its max",
    "CL212": "a scale's accept range is reversed or outside [min, max]",
    "CL213": "a scale label lies outside [min, max]",
    "CL214": "a reference is not in the catalogue",
    "CL215": "no usable reference catalogue (references.yaml) was found",
    "CL216": "a single-choice question does not have exactly one correct option",
    "CL217": "a multiple-choice question has no correct option",
    "CL218": "a 'next' in a stage that ends the scenario",
    "CL219": "more than one branching question in a stage",
    "CL220": "rubric levels are not exactly 0, 1, ..., k",
    "CL221": "words: the minimum is larger than the maximum",
    "CL222": "an evidence cue has an empty or wordless alternative",
    "CL223": "an evidence cue has a '*' that is not at a word's end",
    # Warnings
    "CL301": "an option has no feedback",
    "CL302": "an open question has no model answer",
    "CL303": "a text cites only the old number of a replaced legal provision",
    "CL304": "the correct option of a single-choice question is by far its longest option",
    # Reference catalogue (lint/rules_catalogue.py)
    "CL401": "replaced_by names a key that is not in the catalogue",
    "CL402": "replaced_by entries form a cycle",
    # Course plan (lint/rules_course.py)
    "CL501": "an assignment names a scenario that does not exist",
    "CL502": "two assignments have the same id",
    "CL503": "a primer names a scenario that does not exist",
    "CL504": "the scenarios folder beside the course folder does not exist",
    "CL505": "a scenario id is found in more than one file",
}

WARNINGS = frozenset({"CL301", "CL302", "CL303", "CL304"})


def describe(code: str) -> str:
    return CODES.get(code, "")
