"""What ``casuslab grade`` grades: the assignment's grading cells, read from nbgrader's gradebook.

``nbgrader autograde`` runs the grade cells' source *as stored in the gradebook*
by ``generate_assignment`` (it overwrites locked cells with it). Reading the keys
from the very same place keeps the fast path identical to autograde, also after
a key was fixed and the assignment regenerated.

A grade cell must be exactly the generated form: an import from
``casuslab.student.grading`` and one call of ``grade_answer`` or
``show_open_answer`` with literal arguments. Any other grade cell cannot be
graded without a kernel, and ``casuslab grade`` refuses the assignment.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casuslab.errors import GradingError

CALLS = {"grade_answer": "closed", "show_open_answer": "open"}


@dataclass
class GradingCell:
    name: str
    kind: str  # "closed" or "open"
    scenario: str
    qid: str
    data: Any  # the key (closed) or the open question with its rubric
    points: float


@dataclass
class NotebookPlan:
    name: str
    grade_cells: list[GradingCell]
    task_cells: dict[str, float]          # task cell name -> points
    sources: dict[str, str]               # locked cell name -> source, as in the gradebook
    cell_names: dict[str, str]            # gradebook cell id -> name (grade and task cells)
    case: dict = field(default_factory=dict)  # the student spec from source/ (option texts)
    shared_key: dict | None = None  # the one key every closed cell carries (the generated form)
    cell_types: dict[str, str] = field(default_factory=dict)  # every source cell name -> its type (gradebook)

    @property
    def scenario(self) -> str:
        return self.grade_cells[0].scenario if self.grade_cells else self.name


def parse_grading_source(source: str) -> tuple[str, str, str, Any] | None:
    """(kind, scenario, qid, data) of a generated grading cell's source, or None."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    call = None
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "casuslab.student.grading":
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and call is None:
            call = node.value
            continue
        return None
    if call is None or not isinstance(call.func, ast.Name) or call.func.id not in CALLS or call.keywords:
        return None
    try:
        args = [ast.literal_eval(a) for a in call.args]
    except ValueError:
        return None
    if len(args) != 3 or not all(isinstance(a, str) for a in args):
        return None
    try:
        data = json.loads(args[2])
    except ValueError:
        return None
    return CALLS[call.func.id], args[0], args[1], data


def _read_case(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def load_plan(gb: Any, assignment: str, source_dir: Path) -> list[NotebookPlan]:
    """Every notebook of ``assignment`` with its parsed grading cells; GradingError if one cannot be parsed."""
    from nbgrader.api import MissingEntry

    try:
        record = gb.find_assignment(assignment)
    except MissingEntry:
        raise GradingError(f"de opdracht '{assignment}' staat niet in het gradebook; "
                           f"voer eerst `casuslab assign {assignment}` uit") from None
    plans: list[NotebookPlan] = []
    unsupported: list[str] = []
    for notebook in sorted(record.notebooks, key=lambda n: n.name):
        sources = {cell.name: cell.source for cell in notebook.source_cells if cell.locked}
        names = {cell.id: cell.name for cell in notebook.grade_cells}
        names.update({cell.id: cell.name for cell in notebook.task_cells})
        cells: list[GradingCell] = []
        order = [cell.name for cell in notebook.source_cells]
        for cell in sorted(notebook.grade_cells, key=lambda c: order.index(c.name) if c.name in order else len(order)):
            parsed = parse_grading_source(sources.get(cell.name, "")) if cell.cell_type == "code" else None
            if parsed is None:
                unsupported.append(f"{notebook.name}/{cell.name}")
                continue
            kind, scenario, qid, data = parsed
            cells.append(GradingCell(cell.name, kind, scenario, qid, data, float(cell.max_score)))
        tasks = {cell.name: float(cell.max_score) for cell in notebook.task_cells}
        case = _read_case(source_dir / f"{notebook.name}.case.json")
        keys = [c.data for c in cells if c.kind == "closed"]
        shared = keys[0] if keys and all(k == keys[0] for k in keys) and isinstance(keys[0], dict) else None
        types = {cell.name: cell.cell_type for cell in notebook.source_cells}
        plans.append(NotebookPlan(notebook.name, cells, tasks, sources, names, case, shared, types))
    if unsupported:
        raise GradingError(
            "deze cellen zijn geen casuslab-beoordelingscellen en kunnen niet zonder kernel beoordeeld worden: "
            + ", ".join(unsupported) + "; gebruik daarvoor `nbgrader autograde`")
    if not plans:
        raise GradingError(f"de opdracht '{assignment}' heeft geen notebooks in het gradebook; "
                           f"voer eerst `casuslab assign {assignment}` uit")
    return plans
