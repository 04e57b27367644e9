"""The stage graph of a scenario: successors, every path, and the student's own path.

Standard library only: used by the linter, the graders and the student runtime
(``casuslab.student``), on the scenario as plain JSON-like dicts (``model_dump``).
"""

from __future__ import annotations

from typing import Any, Iterator

Spec = dict[str, Any]


def stage_index(spec: Spec) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, stage in enumerate(spec.get("stages", [])):
        index.setdefault(stage["id"], i)
    return index


def branching_question(stage: dict) -> dict | None:
    """The (at most one) question of a stage whose options carry ``next``."""
    for question in stage.get("questions") or []:
        if question.get("type") == "single" and any(o.get("next") for o in question.get("options", [])):
            return question
    return None


def default_next(spec: Spec, i: int) -> str | None:
    """The stage after stage ``i`` when no chosen option says otherwise."""
    stages = spec["stages"]
    stage = stages[i]
    if stage.get("end"):
        return None
    if stage.get("next"):
        return stage["next"]
    return stages[i + 1]["id"] if i + 1 < len(stages) else None


def next_stage(spec: Spec, i: int, chosen_option: str | None) -> str | None:
    """The stage that follows stage ``i`` given the chosen option of its branching question."""
    stage = spec["stages"][i]
    if stage.get("end"):
        return None
    question = branching_question(stage)
    if question is not None and chosen_option is not None:
        for option in question.get("options", []):
            if option.get("id") == chosen_option and option.get("next"):
                return option["next"]
    return default_next(spec, i)


def successors(spec: Spec, i: int) -> list[str]:
    """Every stage that can follow stage ``i`` (sorted, no duplicates)."""
    stage = spec["stages"][i]
    if stage.get("end"):
        return []
    found = set()
    question = branching_question(stage)
    if question is not None:
        found.update(o["next"] for o in question.get("options", []) if o.get("next"))
    default = default_next(spec, i)
    if default:
        found.add(default)
    return sorted(found)


def all_paths(spec: Spec, limit: int = 10_000) -> Iterator[list[str]]:
    """Every path from the first stage to an end (ids). Cycles and unknown ids stop a path."""
    index = stage_index(spec)
    if not spec.get("stages"):
        return
    count = 0
    stack: list[list[str]] = [[spec["stages"][0]["id"]]]
    while stack and count < limit:
        path = stack.pop()
        nxt = [s for s in successors(spec, index[path[-1]]) if s in index and s not in path]
        if not nxt:
            count += 1
            yield path
        for s in reversed(nxt):
            stack.append(path + [s])


def student_path(spec: Spec, answers: dict) -> list[str]:
    """The stages a student passes, following their saved answers to branching questions.

    A missing or invalid answer to a branching question takes the default route.
    """
    index = stage_index(spec)
    if not spec.get("stages"):
        return []
    path: list[str] = []
    i: int | None = 0
    while i is not None and spec["stages"][i]["id"] not in path:
        stage = spec["stages"][i]
        path.append(stage["id"])
        question = branching_question(stage)
        chosen = answers.get(question["id"]) if question is not None and isinstance(answers, dict) else None
        if not isinstance(chosen, str):
            chosen = None
        following = next_stage(spec, i, chosen)
        i = index.get(following) if following else None
    return path
