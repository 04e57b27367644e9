"""One scenario → one nbgrader source notebook (the interface in docs/dev/architecture.md).

Cells, in this order (ids = nbgrader grade_ids, derived from the scenario's ids):

1. ``intro``            Markdown, read-only: title, setting, objectives, minutes, references.
2. ``setup``            code, input hidden, locked: ``case = open_case("S")``.
3. ``stage-<sid>``      code, input hidden, locked: ``case.stage("<sid>")``, one per stage.
4. ``q-<qid>``          autograder test cell per closed question (points = the question's),
                        the grading key inside the hidden-test markers.
5. ``open-<qid>``       0-point autograder test cell per open question (shows the answer and
   ``task-<qid>``       the rubric to the lecturer), then a Markdown task cell with the points.

Primers (``grading=False``) get cells 1-3 only and no nbgrader metadata.
Everything is built through nbformat's v4 factories and validated; the result
depends only on the arguments (no timestamps, no random ids).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import nbformat
from nbformat import v4

from casuslab.build.studentspec import MODES, grading_key, open_question
from casuslab.build.texts import text

NBGRADER_SCHEMA = 3
MAX_ID = 64

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def cell_id(prefix: str, ident: str = "") -> str:
    """``prefix-ident`` (a valid cell id and grade_id), shortened with a hash past 64 characters."""
    full = f"{prefix}-{ident}" if ident else prefix
    if len(full) <= MAX_ID:
        return full
    digest = hashlib.sha256(full.encode()).hexdigest()[:8]
    return f"{full[: MAX_ID - 9]}-{digest}"


def _points(value: Any) -> float:
    return float(value)


def _fmt(points: float) -> str:
    return f"{points:g}"


def _py_str(value: str) -> str:
    """A Python string literal for ``value`` (ids: double quotes; JSON: single quotes)."""
    return json.dumps(value) if value.replace("-", "").isalnum() else repr(value)


def _compact(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _nbgrader(grade_id: str, *, grade: bool = False, points: float | None = None, task: bool = False) -> dict:
    meta: dict[str, Any] = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": True,
        "schema_version": NBGRADER_SCHEMA,
        "solution": False,
        "task": task,
    }
    if points is not None:
        meta["points"] = points
    return meta


def _metadata(grade_id: str, *, hidden: bool, grading: bool, **nbgrader: Any) -> dict:
    meta: dict[str, Any] = {"deletable": False, "editable": False}
    if hidden:
        meta["jupyter"] = {"source_hidden": True}
    if grading:
        meta["nbgrader"] = _nbgrader(grade_id, **nbgrader)
    return meta


# -- the intro --------------------------------------------------------------------------------


def _replacement_of(catalogue: dict, key: str) -> str | None:
    for other in sorted(catalogue):
        if catalogue[other].get("replaced_by") == key:
            return other
    return None


def reference_lines(references: list[str], catalogue: dict | None, language: str) -> list[str]:
    """One line per cited provision; a replaced provision always shows both numbers."""
    catalogue = catalogue or {}
    lines: list[str] = []
    shown: set[str] = set()
    for key in references:
        if key in shown:
            continue
        entry = catalogue.get(key)
        if entry is None:
            lines.append(key)
            shown.add(key)
            continue
        old, new = key, entry.get("replaced_by")
        if not new or new not in catalogue:
            previous = _replacement_of(catalogue, key)
            old, new = (previous, key) if previous else (key, None)
        if new:
            label = text("build.intro.replaced", language, old=f"**{catalogue[old]['label']}**", new=f"**{catalogue[new]['label']}**")
            title = catalogue[old]["title"]
            shown.update((old, new))
        else:
            label, title = f"**{entry['label']}**", entry["title"]
            shown.add(key)
        lines.append(f"{label}: {title}")
    return lines


def intro_markdown(spec: dict, catalogue: dict | None = None) -> str:
    language = spec.get("language", "nl")
    parts = [f"# {spec['title']}"]
    if spec.get("setting"):
        parts.append(f"**{text('build.intro.setting', language)}.** {spec['setting']}")
    objectives = "\n".join(f"- {o}" for o in spec.get("objectives", []))
    parts.append(f"**{text('build.intro.objectives', language)}**\n\n{objectives}")
    if spec.get("minutes"):
        parts.append(text("build.intro.minutes", language, minutes=spec["minutes"]))
    if spec.get("references"):
        refs = "\n".join(f"- {line}" for line in reference_lines(spec["references"], catalogue, language))
        parts.append(f"**{text('build.intro.references', language)}**\n\n{refs}")
    parts.append(f"*{text('build.intro.how', language)}*")
    return "\n\n".join(parts)


# -- the notebook -----------------------------------------------------------------------------


def _grading_cells(spec: dict) -> list:
    sid = _py_str(spec["id"])
    key = repr(_compact(grading_key(spec)))
    language = spec.get("language", "nl")
    cells = []
    for stage in spec.get("stages", []):
        for question in stage.get("questions") or []:
            qid = question["id"]
            if question["type"] != "open":
                gid = cell_id("q", qid)
                source = (
                    "from casuslab.student.grading import grade_answer\n"
                    "### BEGIN HIDDEN TESTS\n"
                    f"grade_answer({sid}, {_py_str(qid)}, {key})\n"
                    "### END HIDDEN TESTS"
                )
                meta = _metadata(gid, hidden=True, grading=True, grade=True, points=_points(question["points"]))
                cells.append(v4.new_code_cell(source, id=gid, metadata=meta))
                continue
            rubric = repr(_compact(open_question(spec, qid)))
            gid = cell_id("open", qid)
            source = (
                "from casuslab.student.grading import show_open_answer\n"
                "### BEGIN HIDDEN TESTS\n"
                f"show_open_answer({sid}, {_py_str(qid)}, {rubric})\n"
                "### END HIDDEN TESTS"
            )
            meta = _metadata(gid, hidden=True, grading=True, grade=True, points=0.0)
            cells.append(v4.new_code_cell(source, id=gid, metadata=meta))
            total = float(sum(max(int(k) for k in c["levels"]) for c in question["rubric"]))
            tid = cell_id("task", qid)
            task = text("build.task.open", language, prompt=question["prompt"].strip(), points=_fmt(total))
            meta = _metadata(tid, hidden=False, grading=True, task=True, points=total)
            cells.append(v4.new_markdown_cell(task, id=tid, metadata=meta))
    return cells


def build_notebook(
    spec: dict,
    assignment: str | None,
    mode: str,
    *,
    catalogue: dict | None = None,
    grading: bool = True,
) -> nbformat.NotebookNode:
    """The source notebook of one scenario (``spec`` = ``to_spec(scenario)``), validated.

    ``catalogue`` (key → reference entry) names the references in the intro; without
    it the intro lists the keys. ``grading=False`` leaves out the grading cells and
    the nbgrader metadata (primers).
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    sid = _py_str(spec["id"])
    cells = [
        v4.new_markdown_cell(intro_markdown(spec, catalogue), id="intro", metadata=_metadata("intro", hidden=False, grading=grading)),
        v4.new_code_cell(
            f"from casuslab.student import open_case\ncase = open_case({sid})",
            id="setup",
            metadata=_metadata("setup", hidden=True, grading=grading),
        ),
    ]
    for stage in spec.get("stages", []):
        gid = cell_id("stage", stage["id"])
        cells.append(v4.new_code_cell(f"case.stage({_py_str(stage['id'])})", id=gid, metadata=_metadata(gid, hidden=True, grading=grading)))
    if grading:
        cells.extend(_grading_cells(spec))
    casuslab_meta = {"assignment": assignment, "language": spec.get("language", "nl"), "mode": mode, "scenario": spec["id"]}
    nb = v4.new_notebook(
        cells=cells,
        metadata={
            "casuslab": casuslab_meta,
            "kernelspec": dict(KERNELSPEC),
            "language_info": {"name": "python"},
        },
    )
    nb = nbformat.from_dict(nb)
    nbformat.validate(nb)
    return nb


def notebook_bytes(nb: nbformat.NotebookNode) -> bytes:
    """The notebook as it is written to disk: sorted keys, one-space indent, a final newline."""
    out = nbformat.writes(nb, version=4)
    if not out.endswith("\n"):
        out += "\n"
    return out.encode("utf-8")
