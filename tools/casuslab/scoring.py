"""Scoring rules for every question type and for a whole answers file (contract §4).

Pure and standard-library only: the notebooks' test cells, ``casuslab score``,
``casuslab grade`` and the student runtime all call this one module, so they
cannot disagree. Nothing malformed raises: it scores 0 with status ``invalid``.
"""

from __future__ import annotations

import json
import os
import stat
from fractions import Fraction
from pathlib import Path
from typing import Any

from casuslab import paths, rubric

ANSWERS_FORMAT = "casuslab/answers-v1"
MAX_ANSWERS_BYTES = 1_000_000  # a real answers file is a few KB; larger is not read

GRADED, UNANSWERED, INVALID, MANUAL = "graded", "unanswered", "invalid", "manual"


def round2(value: Fraction | float | int) -> float:
    """Round half up to 2 decimals (0.125 -> 0.13), exactly, on rationals."""
    x = Fraction(str(value)) if isinstance(value, float) else Fraction(value)
    hundredths = (x * 100 + Fraction(1, 2)).__floor__()
    return float(Fraction(hundredths, 100))


def question_points(question: dict) -> float:
    """Maximum points of a question; for ``open``, the sum of each criterion's top level."""
    if question.get("type") == "open":
        return float(sum(max(int(k) for k in c.get("levels", {0: ""})) for c in question.get("rubric", [])))
    return float(question.get("points", 0))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _ids(values: Any) -> list[str] | None:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        return None
    if len(set(values)) != len(values):
        return None
    return values


def score_question(question: dict, value: Any) -> tuple[float | None, str]:
    """(score, status) of one answer. ``open`` answers give (None, 'manual')."""
    kind = question.get("type")
    points = Fraction(str(question_points(question)))
    if value is None:
        return 0.0, UNANSWERED
    if kind == "single":
        options = {o["id"]: o for o in question.get("options", [])}
        if not isinstance(value, str) or value not in options:
            return 0.0, INVALID
        return (round2(points) if options[value].get("correct") else 0.0), GRADED
    if kind == "multiple":
        options = {o["id"]: o for o in question.get("options", [])}
        picked = _ids(value)
        if picked is None or any(p not in options for p in picked):
            return 0.0, INVALID
        right = {k for k, o in options.items() if o.get("correct")}
        if question.get("scoring", "partial") == "all-or-nothing":
            return (round2(points) if set(picked) == right else 0.0), GRADED
        if not right:
            return 0.0, GRADED
        good = len(right.intersection(picked))
        bad = len(picked) - good
        return round2(points * max(0, good - bad) / len(right)), GRADED
    if kind == "order":
        key = [item["id"] for item in question.get("items", [])]
        given = _ids(value)
        if given is None or sorted(given) != sorted(key):
            return 0.0, INVALID
        if question.get("scoring", "pairs") == "exact":
            return (round2(points) if given == key else 0.0), GRADED
        rank = {item: i for i, item in enumerate(given)}
        pairs = [(a, b) for i, a in enumerate(key) for b in key[i + 1:]]
        right_pairs = sum(1 for a, b in pairs if rank[a] < rank[b])
        return round2(points * right_pairs / len(pairs)) if pairs else 0.0, GRADED
    if kind == "scale":
        if not _is_int(value) or not question["min"] <= value <= question["max"]:
            return 0.0, INVALID
        lo, hi = question["accept"]
        return (round2(points) if lo <= value <= hi else 0.0), GRADED
    if kind == "open":
        if not isinstance(value, str):
            return 0.0, INVALID
        if not value.strip():
            return 0.0, UNANSWERED
        return None, MANUAL
    return 0.0, INVALID


def read_answers(path: Path | str) -> tuple[dict | None, str | None]:
    """Read an answers file without ever raising: (document, None) or (None, error message)."""
    path = Path(path)
    try:  # O_NONBLOCK: opening a FIFO must not wait for a writer; only a regular file is read
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        return None, "no answers file"
    except OSError as exc:
        return None, f"cannot read the answers file: {exc.strerror}"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            os.close(fd)
            return None, "cannot read the answers file: not a regular file"
        with os.fdopen(fd, "rb") as fh:
            if info.st_size > MAX_ANSWERS_BYTES:
                return None, f"the answers file is too large ({info.st_size} bytes)"
            data = fh.read(MAX_ANSWERS_BYTES + 1)
    except OSError as exc:
        return None, f"cannot read the answers file: {exc.strerror}"
    if len(data) > MAX_ANSWERS_BYTES:
        return None, f"the answers file is too large (more than {MAX_ANSWERS_BYTES} bytes)"
    try:
        doc = json.loads(data.decode("utf-8-sig"))  # a BOM (Windows editors) is accepted
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        return None, f"the answers file is not valid JSON ({exc})"
    return doc, None


def check_document(spec: dict, doc: Any) -> str | None:
    """Why an answers document as a whole is unusable, or None."""
    if not isinstance(doc, dict):
        return "the answers file does not hold a JSON object"
    if doc.get("scenario") != spec.get("id"):
        return f"the answers file is for scenario '{doc.get('scenario')}', not '{spec.get('id')}'"
    if not isinstance(doc.get("answers"), dict):
        return "the answers file has no 'answers' object"
    return None


def path_max(spec: dict) -> float:
    """The maximum points of a path (every path carries the same; the linter checks)."""
    points = {q["id"]: question_points(q) for s in spec.get("stages", []) for q in s.get("questions") or []}
    stages = {s["id"]: s for s in spec.get("stages", [])}
    best = 0.0
    for path in paths.all_paths(spec):
        total = sum(points[q["id"]] for sid in path for q in stages[sid].get("questions") or [])
        best = max(best, total)
    return round2(best)


def score_document(spec: dict, doc: Any, error: str | None = None) -> dict:
    """The contract's score report for one answers document (or a read error)."""
    error = error or check_document(spec, doc)
    report: dict[str, Any] = {"scenario": spec.get("id"), "total": 0.0, "max": path_max(spec), "questions": {}}
    total = Fraction(0)
    if error:
        report["error"] = error
        for stage in spec.get("stages", []):
            for q in stage.get("questions") or []:
                report["questions"][q["id"]] = {"score": 0.0, "max": question_points(q), "status": INVALID}
        return report
    answers = doc["answers"]
    on_path = set(paths.student_path(spec, answers))
    for stage in spec.get("stages", []):
        for q in stage.get("questions") or []:
            entry: dict[str, Any] = {"max": question_points(q)}
            if stage["id"] not in on_path:
                score, status = 0.0, UNANSWERED
            else:
                score, status = score_question(q, answers.get(q["id"]))
            entry["score"], entry["status"] = score, status
            if status == MANUAL:
                suggestions = rubric.suggest(q, answers[q["id"]])
                entry["suggestion"] = {cid: s.level for cid, s in suggestions.items()}
            elif score is not None:
                total += Fraction(str(score))
            report["questions"][q["id"]] = {k: entry[k] for k in ("score", "max", "status", "suggestion") if k in entry}
    report["total"] = round2(total)
    return report


def score_file(spec: dict, answers_path: Path | str) -> dict:
    doc, error = read_answers(answers_path)
    return score_document(spec, doc, error)
