"""Helpers for the build tests: a throw-away course in tmp_path, a golden normaliser, a key scanner."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
GOLDEN = DATA / "golden"
SID = "politie-aan-de-lijn"


def make_course(tmp_path: Path, assignments: list[dict], primers: list[str] | None = None, course_id: str = "test-cursus") -> Path:
    """tmp_path/scenarios (the contract example and its catalogue) and tmp_path/course/course.yaml."""
    scenarios = tmp_path / "scenarios"
    (scenarios / "beroepsgeheim").mkdir(parents=True, exist_ok=True)
    shutil.copy(DATA / f"{SID}.yaml", scenarios / "beroepsgeheim" / f"{SID}.yaml")
    shutil.copy(DATA / "references.yaml", scenarios / "references.yaml")
    course = tmp_path / "course"
    course.mkdir(exist_ok=True)
    write_plan(course, assignments, primers, course_id)
    return course


def write_plan(course: Path, assignments: list[dict], primers: list[str] | None = None, course_id: str = "test-cursus") -> None:
    lines = ["format: casuslab/course-v1", f"course_id: {course_id}", "title: Testcursus", "assignments:"]
    for a in assignments:
        lines += [f"  - id: {a['id']}", f"    mode: {a['mode']}", f"    scenarios: [{', '.join(a['scenarios'])}]"]
    if primers:
        lines.append(f"primers: [{', '.join(primers)}]")
    (course / "course.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def add_primer(tmp_path: Path, pid: str = "primer-test") -> None:
    text = (DATA / f"{SID}.yaml").read_text(encoding="utf-8").replace(f"id: {SID}\n", f"id: {pid}\n", 1)
    folder = tmp_path / "scenarios" / "primers"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{pid}.yaml").write_text(text, encoding="utf-8")


def normalise_notebook(raw: str | bytes) -> dict:
    """What a golden notebook pins: cell ids, types, metadata and sources, notebook metadata.

    Independent of JSON formatting and of how nbformat splits sources into lines.
    """
    nb = json.loads(raw)
    cells = []
    for cell in nb["cells"]:
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        entry = {"id": cell["id"], "cell_type": cell["cell_type"], "metadata": cell["metadata"], "source": source}
        if cell["cell_type"] == "code":
            entry["outputs"] = cell.get("outputs", [])
        cells.append(entry)
    return {"nbformat": nb["nbformat"], "metadata": nb["metadata"], "cells": cells}


def golden_check(name: str, actual: object) -> None:
    """Compare ``actual`` with tests/data/golden/<name>; CASUSLAB_UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    text = json.dumps(actual, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
    if os.environ.get("CASUSLAB_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert actual == expected, f"{name} differs from the golden file (CASUSLAB_UPDATE_GOLDEN=1 to accept a deliberate change)"


def nbgrader(course: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real nbgrader in ``course`` (its cwd), with the venv's scripts on PATH (alembic)."""
    bindir = Path(sys.executable).parent
    full_env = dict(os.environ, PATH=f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}", **(env or {}))
    return subprocess.run(
        [str(bindir / "nbgrader"), *args], cwd=course, env=full_env, capture_output=True, text=True, timeout=300
    )


# -- the exam key scan ------------------------------------------------------------------------


def fold_ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def key_strings(spec: dict) -> set[str]:
    """Every string that gives a question's key away (the full spec's prose and flags)."""
    needles = {'"correct": true', '"correct":true', '"accept"', '"model_answer"', '"evidence"', '"feedback"',
               '"consequence"'}
    for stage in spec["stages"]:
        for q in stage.get("questions") or []:
            for option in q.get("options", []):
                if option.get("feedback"):
                    needles.add(option["feedback"])
                if option.get("consequence"):  # only the right option would have no bad outcome
                    needles.add(option["consequence"])
            if q.get("model_answer"):
                needles.add(q["model_answer"])
            for criterion in q.get("rubric", []):
                # a cue of several alternatives is distinctive; a single word may occur in the story
                # (the "evidence" field itself is a needle, so no cue can ship unnoticed)
                needles.update(cue for cue in criterion.get("evidence", []) if "|" in cue)
                needles.update(criterion.get("levels", {}).values())
            if q.get("type") == "order":
                ids = [i["id"] for i in q["items"]]
                needles.add(json.dumps(ids))
                needles.add(json.dumps(ids, separators=(",", ":")))
    return {fold_ws(n) for n in needles if len(fold_ws(n)) >= 8}


def json_strings(data: object):
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for k, v in data.items():
            yield k
            yield from json_strings(v)
    elif isinstance(data, list):
        for v in data:
            yield from json_strings(v)


def haystacks(folder: Path) -> dict[Path, str]:
    """Each file's text, plus for JSON files every string value decoded, whitespace folded."""
    out = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        raw = path.read_bytes().decode("utf-8", errors="replace")
        parts = [raw]
        try:
            parts.extend(json_strings(json.loads(raw)))
        except ValueError:
            pass
        out[path] = fold_ws("\n".join(parts))
    return out


def leaks(folder: Path, needles: set[str]) -> list[tuple[str, str]]:
    """(file, key string) for every key string found in any file under ``folder``."""
    found = []
    for path, text in haystacks(folder).items():
        for needle in sorted(needles):
            if needle in text:
                found.append((str(path.relative_to(folder)), needle[:60]))
    return found
