"""What of a scenario reaches the student, and what the grading cells carry.

Pure functions on spec dicts (``casuslab.scenario.spec.to_spec``): no I/O, no
mutation of their input.

- ``student_spec(spec, mode)``: the ``<scenario>.case.json`` content. Practice mode
  keeps everything (keys included: that is what practice is for). Exam mode ships
  no key: no ``correct`` flags, no option ``feedback``, no option ``consequence``
  (the right option would be the only one without a bad outcome; the next stage's
  text carries the story, and the graded feedback shows the consequence of the
  student's choice from the full scenario), no ``model_answer``, no
  rubric ``evidence`` and no level descriptors (criteria keep their name and their
  level numbers, with empty descriptors), no scale ``accept`` range, and the items
  of an ``order`` question in the students' start order instead of the correct one
  (marked ``"shuffled": true``). The options of ``single`` and ``multiple``
  questions are listed in a fixed shuffled order too (``exam_options``): authors
  tend to put the right option first, so the file's order would give it away. The
  runtime shows them in each student's own order anyway.
- ``grading_key(spec)``: the stage graph and the keys without prose, for the
  hidden tests of the autograder cells.
- ``open_question(spec, qid)``: an open question with its full rubric, for the
  hidden test of its 0-point display cell.
"""

from __future__ import annotations

import copy
import hashlib
import random
from typing import Any, Literal

Mode = Literal["practice", "exam"]
MODES = ("practice", "exam")

_EXAM_OPTION_DROP = ("correct", "feedback", "consequence")
_EXAM_QUESTION_DROP = ("model_answer", "accept")


def shuffled_items(scenario_id: str, question_id: str, items: list[dict]) -> list[dict]:
    """The students' start order of an ``order`` question: fixed, and never the key.

    The same algorithm as the student runtime's start order
    (``casuslab.student.questions.shuffled_items``), so an exam file lists the items
    in the order students see them.
    """
    key = [item["id"] for item in items]
    order = list(key)
    random.Random(hashlib.sha256(f"{scenario_id}/{question_id}".encode()).hexdigest()).shuffle(order)
    if order == key and len(key) > 1:
        order = order[1:] + order[:1]
    by_id = {item["id"]: item for item in items}
    return [by_id[i] for i in order]


def exam_options(scenario_id: str, question_id: str, options: list[dict]) -> list[dict]:
    """The options in the order an exam file lists them: a fixed shuffle, not the author's."""
    order = list(options)
    random.Random(hashlib.sha256(f"{scenario_id}/{question_id}/options".encode()).hexdigest()).shuffle(order)
    return order


def _exam_question(scenario_id: str, question: dict) -> dict:
    q = {k: v for k, v in question.items() if k not in _EXAM_QUESTION_DROP}
    if "options" in q:
        q["options"] = [{k: v for k, v in o.items() if k not in _EXAM_OPTION_DROP}
                        for o in exam_options(scenario_id, q["id"], q["options"])]
    if q.get("type") == "order" and "items" in q:
        q["items"] = [dict(i) for i in shuffled_items(scenario_id, q["id"], q["items"])]
        q["shuffled"] = True  # already in the start order: the runtime need not shuffle again
    if "rubric" in q:
        q["rubric"] = [
            {
                **{k: v for k, v in c.items() if k not in ("evidence", "levels")},
                "levels": {str(level): "" for level in c.get("levels", {})},
            }
            for c in q["rubric"]
        ]
    return q


def student_spec(spec: dict, mode: Mode, assignment: str | None = None) -> dict:
    """The spec a student's notebook reads (``<scenario>.case.json``), for ``mode``."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    out = copy.deepcopy(spec)
    if mode == "exam":
        out["stages"] = [
            {**stage, "questions": [_exam_question(spec["id"], q) for q in stage.get("questions") or []]}
            for stage in out.get("stages", [])
        ]
    out["mode"] = mode
    out["assignment"] = assignment
    return out


def _key_question(question: dict) -> dict:
    kind = question.get("type")
    key: dict[str, Any] = {"id": question["id"], "type": kind}
    if kind == "open":
        rubric = question.get("rubric", [])
        key["points"] = float(sum(max(int(level) for level in c.get("levels", {"0": ""})) for c in rubric))
        key["rubric"] = [{"id": c["id"], "levels": {str(level): "" for level in c.get("levels", {})}} for c in rubric]
        return key
    key["points"] = question.get("points")
    if "scoring" in question:
        key["scoring"] = question["scoring"]
    if "options" in question:
        key["options"] = []
        for option in question["options"]:
            entry: dict[str, Any] = {"id": option["id"], "correct": bool(option.get("correct"))}
            if option.get("next"):
                entry["next"] = option["next"]
            key["options"].append(entry)
    if "items" in question:
        key["items"] = [{"id": item["id"]} for item in question["items"]]
    for name in ("min", "max", "accept"):
        if name in question:
            key[name] = question[name]
    return key


def grading_key(spec: dict) -> dict:
    """The stage graph and every question's key, without prose (for hidden tests)."""
    stages = []
    for stage in spec.get("stages", []):
        entry: dict[str, Any] = {"id": stage["id"]}
        if stage.get("next"):
            entry["next"] = stage["next"]
        if stage.get("end"):
            entry["end"] = True
        entry["questions"] = [_key_question(q) for q in stage.get("questions") or []]
        stages.append(entry)
    return {"id": spec["id"], "stages": stages}


def open_question(spec: dict, question_id: str) -> dict:
    """The open question ``question_id`` with its full rubric, words and model answer."""
    for stage in spec.get("stages", []):
        for question in stage.get("questions") or []:
            if question["id"] == question_id:
                keep = ("id", "type", "prompt", "rubric", "words", "model_answer")
                return {k: copy.deepcopy(question[k]) for k in keep if k in question}
    raise KeyError(question_id)
