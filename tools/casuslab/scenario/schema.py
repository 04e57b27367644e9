"""The JSON Schema of scenario format v1, for editors (VS Code's YAML extension).

Generated from the pydantic ``Scenario`` model, so it cannot drift from what lint
accepts; committed as ``scenarios/scenario.schema.json``. Each scenario file's first
line points at it: ``# yaml-language-server: $schema=../scenario.schema.json``.
The output is deterministic (sorted keys, indent 2, trailing newline) and uses
draft-07, the draft the YAML language server validates fully.
"""

from __future__ import annotations

import json
from pathlib import Path

from casuslab.errors import InputError
from casuslab.i18n import _
from casuslab.scenario.model import Scenario

SCHEMA_FILE = Path("scenarios") / "scenario.schema.json"
SCHEMA_COMMENT = "# yaml-language-server: $schema=../scenario.schema.json"
DRAFT = "http://json-schema.org/draft-07/schema#"


def scenario_schema() -> dict:
    schema = Scenario.model_json_schema(ref_template="#/definitions/{model}")
    definitions = schema.pop("$defs", {})
    return {"$schema": DRAFT, **schema, "definitions": definitions}


def render_schema() -> str:
    return json.dumps(scenario_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def run_schema(output: Path | None = None, check: bool = False) -> int:
    """Write the schema (or, with ``check``, say whether the file is up to date: 0 yes, 1 no)."""
    path = Path(output) if output is not None else SCHEMA_FILE
    text = render_schema()
    if check:
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current != text:
            print(_("{path} is out of date: run 'casuslab schema'").format(path=path))
            return 1
        print(_("{path} is up to date").format(path=path))
        return 0
    if not path.parent.is_dir():
        raise InputError(_("the folder {folder} does not exist: run this in the course's top folder "
                           "(the one with scenarios/), or give --output").format(folder=path.parent))
    path.write_text(text, encoding="utf-8")
    print(_("wrote {path}").format(path=path))
    return 0
