"""``casuslab score SCENARIO ANSWERS``: one answers file, one report.

``--json`` prints the contract's report (§4, §5) unchanged. The table reads the same report
through ``casuslab.grade.result`` (exact half-up amounts with a decimal comma; a question off
the student's path is shown as ``niet bereikt``). A missing answers file is the user's typo:
a Dutch error and exit 2 (``--json`` still prints the report, every question ``invalid``). A file that exists but cannot be read (not JSON, a FIFO,
a folder) still gives the report, every question ``invalid``, and exit 0, as the contract says.
"""

from __future__ import annotations

import json
from pathlib import Path

from casuslab.errors import InputError, Location
from casuslab.lint.check import require_valid_scenario
from casuslab.scenario.spec import to_spec
from casuslab.scoring import read_answers, score_document


def load_valid_spec(path: Path) -> dict:
    """The scenario's spec, or ScenarioInvalid listing its problems (every lint rule applies)."""
    return to_spec(require_valid_scenario(path))


def run_score(scenario: Path, answers: Path, as_json: bool) -> int:
    spec = load_valid_spec(scenario)
    missing = not Path(answers).exists()  # also a link to nothing (exists() follows it)
    doc, error = read_answers(answers)
    report = score_document(spec, doc, error)
    if as_json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    if missing:  # still the report on stdout for --json, but never a silent success
        raise InputError("het antwoordbestand bestaat niet", Location(str(answers)))
    if as_json:
        return 0
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from casuslab.grade.result import STATUS_NL, format_points, result_from_report
    from casuslab.student.grading import dutch_error

    result = result_from_report(report, spec, doc.get("answers") if isinstance(doc, dict) else None)
    console = Console()
    if "error" in report:
        console.print(Text(f"{answers}: {dutch_error(report['error'])}", style="red"))
    table = Table(title=Text(f"{report['scenario']}: {format_points(result.raw_total)} / "
                             f"{format_points(result.path_max)}"))
    for column, justify in (("vraag", "left"), ("score", "right"), ("max", "right"), ("status", "left")):
        table.add_column(column, justify=justify)
    for question in result.questions:
        entry = report["questions"][question.qid]
        extra = ""
        if "suggestion" in entry:
            extra = " (suggestie: " + ", ".join(f"{k}={v}" for k, v in entry["suggestion"].items()) + ")"
        shown = "-" if question.score is None else format_points(question.score)
        status = STATUS_NL.get(question.status) or "beoordeeld"
        table.add_row(Text(question.qid), shown, format_points(question.max), Text(status + extra))
    console.print(table)
    return 0
