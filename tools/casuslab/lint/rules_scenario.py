"""Scenario rules on ids, question keys, scales, rubrics and references (CL201-CL206, CL211-CL223, CL301-CL302, CL304).

The stage graph (next, reachability, cycles, points per path) is in ``rules_graph``.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from casuslab.i18n import _
from casuslab.lint.context import (
    Report,
    as_dict,
    as_id,
    as_list,
    entries,
    is_int,
    questions,
    stages,
    suggest,
)
from casuslab.lint.problems import Problem
from casuslab.scenario.yamlpos import PathKey

_WORDLIKE = re.compile(r"[0-9A-Za-zÀ-ÿ]")

# CL304: a key at least twice as long as every distractor, and 50 characters longer, gives
# itself away. Subtler length patterns across a course are a content matter (tests/test_content.py
# keeps the share of single questions whose key is the longest option low).
GIVEAWAY_RATIO = 2.0
GIVEAWAY_CHARS = 50


def _length(text: str) -> int:
    """Length as a student sees it: runs of whitespace (folded YAML lines) count as one space."""
    return len(" ".join(text.split()))


def _check_giveaway(qid: str, options: list[tuple[PathKey, dict]], r: Report) -> None:
    """CL304 when the one correct option is >= GIVEAWAY_RATIO times and >= GIVEAWAY_CHARS
    characters longer than the longest other option."""
    texts = [(k, o, o.get("text")) for k, o in options]
    if len(texts) < 2 or not all(isinstance(t, str) for _, _, t in texts):
        return
    correct = [(k, o, t) for k, o, t in texts if o.get("correct") is True]
    if len(correct) != 1:
        return
    key, option, text = correct[0]
    length = _length(text)
    longest = max(_length(t) for _, o, t in texts if o is not option)
    if length >= GIVEAWAY_RATIO * longest and length - longest >= GIVEAWAY_CHARS:
        oid = as_id(option.get("id")) or "?"
        r.value(key + ("text",), "CL304",
                _("the correct option '{option}' of question '{question}' has {length} characters, the longest "
                  "other option {longest}: students can pick it for its length alone; shorten it (move the "
                  "explanation to its feedback) or make the other options as complete").format(
                    option=oid, question=qid, length=length, longest=longest))


def _unique(found: Iterable[tuple[PathKey, Any]], code: str, message: str, r: Report, **where: str) -> None:
    """Report every id that was already used (at its second and later use).

    ``message`` (translated) has the placeholders {id} and {line}, and those in ``where``."""
    seen: dict[str, PathKey] = {}
    for key, raw in found:
        ident = as_id(raw)
        if ident is None:
            continue
        if ident in seen:
            r.value(key, code, message.format(id=ident, line=r.line(seen[ident]), **where))
        else:
            seen[ident] = key


def check_ids(data: dict, stem: str, r: Report) -> None:
    """CL201 id = file stem; CL202-CL206 ids unique where the contract requires it."""
    ident = as_id(data.get("id"))
    if ident is not None and ident != stem:
        r.value(("id",), "CL201", _("the scenario's id '{id}' differs from the file name '{stem}.yaml': "
                                    "rename the file to '{id}.yaml' or set 'id: {stem}'").format(id=ident, stem=stem))
    _unique(((k + ("id",), s.get("id")) for k, s in stages(data)), "CL202",
            _("stage id '{id}' is used twice in this scenario (first on line {line}); give each one its own id"), r)
    _unique(((k + ("id",), q.get("id")) for k, _q, q in questions(data)), "CL203",
            _("question id '{id}' is used twice in this scenario (first on line {line}); give each one its own id"), r)
    for qkey, _q, q in questions(data):
        qid = as_id(q.get("id")) or "?"
        for name, code, message in (
            ("options", "CL204", _("option id '{id}' is used twice in question '{question}' (first on line {line}); "
                                   "give each one its own id")),
            ("items", "CL205", _("item id '{id}' is used twice in question '{question}' (first on line {line}); "
                                 "give each one its own id")),
            ("rubric", "CL206", _("criterion id '{id}' is used twice in question '{question}' (first on line "
                                  "{line}); give each one its own id")),
        ):
            _unique(((k + ("id",), e.get("id")) for k, e in entries(q, name, qkey)), code, message, r, question=qid)


def _check_choices(qkey: PathKey, q: dict, r: Report) -> None:
    options = list(entries(q, "options", qkey))
    if not options:
        return
    qid = as_id(q.get("id")) or "?"
    correct = [(k, o) for k, o in options if o.get("correct") is True]
    kind = q.get("type")
    if not all(isinstance(o.get("correct", False), bool) for _, o in options):
        kind = None  # a 'correct' that is not true/false: the schema reports it; counting would mislead
    if kind == "single" and len(correct) == 0:
        r.key(qkey + ("options",), "CL216", _("single-choice question '{question}' has no correct option: "
                                              "mark exactly one option with 'correct: true'").format(question=qid))
    elif kind == "single" and len(correct) > 1:
        ids = ", ".join(as_id(o.get("id")) or "?" for _, o in correct)
        r.value(correct[1][0] + ("correct",), "CL216",
                _("single-choice question '{question}' has {n} correct options ({ids}); it needs exactly one "
                  "(use 'type: multiple' when several answers are right)").format(question=qid, n=len(correct), ids=ids))
    elif kind == "multiple" and not correct:
        r.key(qkey + ("options",), "CL217", _("multiple-choice question '{question}' has no correct option: "
                                              "mark at least one option with 'correct: true'").format(question=qid))
    if kind == "single":
        _check_giveaway(qid, options, r)
    for okey, option in options:
        feedback = option.get("feedback")
        if not (isinstance(feedback, str) and feedback.strip()):
            oid = as_id(option.get("id")) or "?"
            r.value(okey, "CL301", _("option '{option}' of question '{question}' has no feedback: explain why this "
                                     "choice is or is not right (students see it in practice mode)").format(
                option=oid, question=qid))


def _check_scale(qkey: PathKey, q: dict, r: Report) -> None:
    lo_, hi_ = q.get("min"), q.get("max")
    if not (is_int(lo_) and is_int(hi_)):
        return
    qid = as_id(q.get("id")) or "?"
    if lo_ >= hi_:
        r.value(qkey + ("max",), "CL211", _("scale question '{question}' has min {min} and max {max}: min must be "
                                            "smaller than max").format(question=qid, min=lo_, max=hi_))
    accept = q.get("accept")
    if isinstance(accept, list) and len(accept) == 2 and all(is_int(v) for v in accept):
        a, b = accept
        if a > b:
            r.value(qkey + ("accept",), "CL212", _("accept [{low}, {high}] of question '{question}' is reversed: "
                                                   "write the lowest value first ([{high}, {low}])").format(
                low=a, high=b, question=qid))
        elif lo_ < hi_ and (a < lo_ or b > hi_):
            r.value(qkey + ("accept",), "CL212", _("accept [{low}, {high}] of question '{question}' lies outside "
                                                   "the scale [{min}, {max}]: both values must be between min and "
                                                   "max").format(low=a, high=b, question=qid, min=lo_, max=hi_))
    if lo_ < hi_:
        for value in as_dict(q.get("labels")):
            if is_int(value) and not lo_ <= value <= hi_:
                r.key(qkey + ("labels", value), "CL213", _("label {label} of question '{question}' lies outside "
                                                           "the scale [{min}, {max}]").format(
                    label=value, question=qid, min=lo_, max=hi_))


def _check_cue(key: PathKey, cue: Any, r: Report) -> None:
    if not isinstance(cue, str) or cue == "":
        return  # the schema reports a wrong type or an empty text
    for alternative in cue.split("|"):
        words = alternative.split()
        if not words:
            r.value(key, "CL222", _("evidence cue '{cue}' has an empty alternative: remove the extra '|'").format(cue=cue))
            continue
        if not _WORDLIKE.search(alternative):
            r.value(key, "CL222", _("evidence cue '{cue}': the alternative '{alternative}' has no letters "
                                    "or digits, so it can never match").format(cue=cue, alternative=alternative.strip()))
            continue
        for word in words:
            if "*" in word[:-1] or word == "*":
                r.value(key, "CL223", _("evidence cue '{cue}': '*' may only stand at the end of a word "
                                        "(like 'meld*'), not in '{word}'").format(cue=cue, word=word))
                break


def _check_open(qkey: PathKey, q: dict, r: Report) -> None:
    qid = as_id(q.get("id")) or "?"
    words = q.get("words")
    if isinstance(words, list) and len(words) == 2 and all(is_int(w) for w in words) and words[0] > words[1]:
        r.value(qkey + ("words",), "CL221", _("words [{min}, {max}] of question '{question}': the minimum is "
                                              "larger than the maximum").format(min=words[0], max=words[1], question=qid))
    answer = q.get("model_answer")
    if not (isinstance(answer, str) and answer.strip()):
        r.value(qkey, "CL302", _("open question '{question}' has no model_answer: write one, so lecturers and "
                                 "students in practice mode can compare").format(question=qid))
    for ckey, criterion in entries(q, "rubric", qkey):
        levels = as_dict(criterion.get("levels"))
        scores = list(levels)
        if len(scores) >= 2 and all(is_int(s) for s in scores) and sorted(scores) != list(range(len(scores))):
            cid = as_id(criterion.get("id")) or "?"
            shown = ", ".join(str(s) for s in sorted(scores))
            n = len(scores)
            wanted = ", ".join(str(s) for s in range(n)) if n <= 5 else f"0, 1, ..., {n - 1}"
            r.key(ckey + ("levels",), "CL220", _("the levels of criterion '{criterion}' are {levels}; with {n} levels "
                                                 "they must be exactly {wanted} (start at 0, no gaps)").format(
                criterion=cid, levels=shown, n=n, wanted=wanted))
        for i, cue in enumerate(as_list(criterion.get("evidence"))):
            _check_cue(ckey + ("evidence", i), cue, r)


def check_questions(data: dict, r: Report) -> None:
    for qkey, _stage, q in questions(data):
        kind = q.get("type")
        if kind in ("single", "multiple"):
            _check_choices(qkey, q, r)
        elif kind == "scale":
            _check_scale(qkey, q, r)
        elif kind == "open":
            _check_open(qkey, q, r)


def check_references(data: dict, catalogue: dict | None, why_none: str, r: Report) -> None:
    """CL214 every reference is in the catalogue; CL215 when there is no usable catalogue."""
    refs = [(("references", i), as_id(v)) for i, v in enumerate(as_list(data.get("references")))]
    refs = [(k, v) for k, v in refs if v is not None]
    if not refs:
        return
    if catalogue is None:
        r.key(("references",), "CL215", why_none)
        return
    known = sorted(str(k) for k in catalogue)
    for key, ref in refs:
        if ref not in catalogue:
            r.value(key, "CL214", _("reference '{reference}' is not in the catalogue{suggestion}; "
                                    "add it to references.yaml or correct the key").format(
                reference=ref, suggestion=suggest(ref, known)))


def refine_schema_problems(problems: list[Problem], data: dict, positions) -> list[Problem]:
    """Say why an open question may not carry `points` (the generic message only says 'unknown field')."""
    open_points = {}
    for qkey, _stage, q in questions(data):
        if q.get("type") == "open" and "points" in q:
            open_points[positions.key(qkey + ("points",))] = as_id(q.get("id")) or "?"
    out = []
    for p in problems:
        if p.code == "CL101" and p.location in open_points:
            p = Problem(p.location, p.code, _("open question '{question}' has no 'points' field: its points are "
                                              "the sum of the top levels of its rubric; remove 'points'").format(
                question=open_points[p.location]), p.severity)
        out.append(p)
    return out
