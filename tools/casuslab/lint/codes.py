"""Every problem code casuslab reports, with a one-line description.

Codes are stable: a code, once published, keeps its meaning. Ranges:
CL0xx the YAML itself, CL1xx fields and types (the schema), CL2xx rules across
fields of a scenario, CL3xx warnings, CL4xx the reference catalogue, CL5xx the
course plan.
"""

from __future__ import annotations

from casuslab.i18n import N_, _

CODES: dict[str, str] = {  # English msgids: describe() translates
    # YAML (scenario/yamlpos.py, scenario/load.py)
    "CL001": N_("the file is not valid YAML"),
    "CL002": N_("a key is given twice in the same mapping"),
    "CL003": N_("a key that is not a plain word, or a YAML merge key ('<<')"),
    "CL004": N_("a tab character used for indentation"),
    "CL005": N_("an unquoted ': ' inside a text (quote the text)"),
    "CL006": N_("the file is empty"),
    "CL007": N_("the file cannot be found or read"),
    "CL008": N_("the file is not UTF-8 text"),
    "CL009": N_("the top level is not a mapping of fields"),
    # Fields and types (scenario/load.py, from the pydantic models)
    "CL101": N_("unknown field (a typo?)"),
    "CL102": N_("a required field is missing"),
    "CL103": N_("a field has the wrong type"),
    "CL104": N_("a value is out of range or not one of the allowed values"),
    "CL105": N_("an id is not a valid slug"),
    "CL106": N_("unknown question type"),
    "CL107": N_("wrong 'format' literal"),
    # Scenario rules (lint/rules_scenario.py, lint/rules_graph.py)
    "CL201": N_("the scenario's id differs from its file name"),
    "CL202": N_("two stages have the same id"),
    "CL203": N_("two questions in the scenario have the same id"),
    "CL204": N_("two options of a question have the same id"),
    "CL205": N_("two items of an order question have the same id"),
    "CL206": N_("two rubric criteria of a question have the same id"),
    "CL207": N_("a 'next' names a stage that does not exist"),
    "CL208": N_("a stage can never be reached"),
    "CL209": N_("the stages form a cycle"),
    "CL210": N_("paths through the scenario carry different maximum points"),
    "CL211": N_("a scale's min is not less than its max"),
    "CL212": N_("a scale's accept range is reversed or outside [min, max]"),
    "CL213": N_("a scale label lies outside [min, max]"),
    "CL214": N_("a reference is not in the catalogue"),
    "CL215": N_("no usable reference catalogue (references.yaml) was found"),
    "CL216": N_("a single-choice question does not have exactly one correct option"),
    "CL217": N_("a multiple-choice question has no correct option"),
    "CL218": N_("a 'next' in a stage that ends the scenario"),
    "CL219": N_("more than one branching question in a stage"),
    "CL220": N_("rubric levels are not exactly 0, 1, ..., k"),
    "CL221": N_("words: the minimum is larger than the maximum"),
    "CL222": N_("an evidence cue has an empty or wordless alternative"),
    "CL223": N_("an evidence cue has a '*' that is not at a word's end"),
    # Warnings
    "CL301": N_("an option has no feedback"),
    "CL302": N_("an open question has no model answer"),
    "CL303": N_("a text cites only the old number of a replaced legal provision"),
    "CL304": N_("the correct option of a single-choice question is by far its longest option"),
    "CL305": N_("an exam assignment uses a branching scenario (its case file shows every branch)"),
    # Reference catalogue (lint/rules_catalogue.py)
    "CL401": N_("replaced_by names a key that is not in the catalogue"),
    "CL402": N_("replaced_by entries form a cycle"),
    # Course plan (lint/rules_course.py)
    "CL501": N_("an assignment names a scenario that does not exist"),
    "CL502": N_("two assignments have the same id"),
    "CL503": N_("a primer names a scenario that does not exist"),
    "CL504": N_("the scenarios folder beside the course folder does not exist"),
    "CL505": N_("a scenario id is found in more than one file"),
}

WARNINGS = frozenset({"CL301", "CL302", "CL303", "CL304", "CL305"})


def describe(code: str) -> str:
    """The code's description in the command line's language ('' for an unknown code)."""
    return _(CODES[code]) if code in CODES else ""
