"""``casuslab score SCENARIO ANSWERS``: one answers file, one report."""

from __future__ import annotations

import json
from pathlib import Path

from casuslab.lint.check import require_valid_scenario
from casuslab.scenario.spec import to_spec
from casuslab.scoring import score_file


def load_valid_spec(path: Path) -> dict:
    """The scenario's spec, or ScenarioInvalid listing its problems (every lint rule applies)."""
    return to_spec(require_valid_scenario(path))


def run_score(scenario: Path, answers: Path, as_json: bool) -> int:
    spec = load_valid_spec(scenario)
    report = score_file(spec, answers)
    if as_json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if "error" in report:
        console.print(f"[red]{report['error']}[/red]")
    table = Table(title=f"{report['scenario']}: {report['total']:g} / {report['max']:g}")
    table.add_column("vraag")
    table.add_column("score", justify="right")
    table.add_column("max", justify="right")
    table.add_column("status")
    for qid, q in report["questions"].items():
        shown = "-" if q["score"] is None else f"{q['score']:g}"
        extra = ""
        if "suggestion" in q:
            extra = " (suggestie: " + ", ".join(f"{k}={v}" for k, v in q["suggestion"].items()) + ")"
        table.add_row(qid, shown, f"{q['max']:g}", q["status"] + extra)
    console.print(table)
    return 0
