"""Simulated students for the demo, the parity test and the benchmark (seeded, reproducible).

A *profile* says how a student answers: ``correct``, ``wrong``, ``partial``,
``empty``, ``invalid`` or ``random`` (each question on its own, any branch). A
*breakage* damages the submission afterwards: ``missing-notebook``,
``no-answers``, ``corrupt``, ``huge``, ``other-scenario``, ``bad-timestamp``,
``unexpected-files``, ``script`` (HTML and a script tag in every open answer).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
from pathlib import Path
from typing import Any

from casuslab import paths

PROFILES = ("correct", "wrong", "partial", "empty", "invalid", "random")
BREAKAGES = ("missing-notebook", "no-answers", "corrupt", "huge", "other-scenario", "bad-timestamp",
             "unexpected-files", "script")
SCRIPT = '<script>alert("xss")</script><b onmouseover="x()">vet</b> & =HYPERLINK("http://x") '

_WRONG_TEXT = "Ik zou het gewoon aan de politie vertellen, dat is het makkelijkst. Zonder toestemming bellen kan ook."
_PARTIAL_TEXT = "Ze mag zwijgen als getuige. Ze moet de belangen afwegen, denk ik."


def _pick(rng: random.Random, question: dict, how: str) -> Any:
    kind = question["type"]
    options = [o["id"] for o in question.get("options", [])]
    right = [o["id"] for o in question.get("options", []) if o.get("correct")]
    wrong = [o for o in options if o not in right]
    if how == "empty":
        return None
    if how == "invalid":
        return {"single": "zz-onbekend", "multiple": options[:1] * 2, "order": [i["id"] for i in question.get("items", [])][:-1],
                "scale": float(question.get("min", 1)), "open": 42}.get(kind)
    if kind == "single":
        if how == "correct":
            return right[0]
        if how == "wrong" and wrong:
            return wrong[0]
        return rng.choice(options)
    if kind == "multiple":
        if how == "correct":
            return list(right)
        if how == "wrong":
            return wrong[:2]
        if how == "partial":
            return right[:1] + wrong[:1]
        return rng.sample(options, rng.randint(0, len(options)))
    if kind == "order":
        key = [i["id"] for i in question.get("items", [])]
        if how == "correct":
            return key
        if how == "wrong":
            return list(reversed(key))
        if how == "partial":
            return key[1:2] + key[:1] + key[2:]
        return rng.sample(key, len(key))
    if kind == "scale":
        lo, hi = question["accept"]
        outside = [v for v in range(question["min"], question["max"] + 1) if not lo <= v <= hi]
        if how == "correct":
            return lo
        if how == "wrong" and outside:
            return outside[0]
        return rng.randint(question["min"], question["max"])
    if kind == "open":
        if how == "correct":
            return question.get("model_answer") or _PARTIAL_TEXT
        if how == "wrong":
            return _WRONG_TEXT
        if how == "partial":
            return _PARTIAL_TEXT
        return rng.choice([question.get("model_answer") or _PARTIAL_TEXT, _PARTIAL_TEXT, _WRONG_TEXT, "   "])
    return None


def answers_for(spec: dict, profile: str, rng: random.Random) -> dict:
    """An answers document (contract §4) for one student following ``profile`` through the case."""
    index = paths.stage_index(spec)
    answers: dict[str, Any] = {}
    submitted: list[str] = []
    i: int | None = 0
    while i is not None and spec["stages"][i]["id"] not in submitted:
        stage = spec["stages"][i]
        submitted.append(stage["id"])
        for question in stage.get("questions") or []:
            how = rng.choice(["correct", "wrong", "partial", "empty"]) if profile == "random" else profile
            value = _pick(rng, question, how)
            if value is not None:
                answers[question["id"]] = value
        branch = paths.branching_question(stage)
        chosen = answers.get(branch["id"]) if branch else None
        following = paths.next_stage(spec, i, chosen if isinstance(chosen, str) else None)
        i = index.get(following) if following else None
    stamp = "2026-12-01T10:00:00+01:00"
    return {"format": "casuslab/answers-v1", "scenario": spec["id"], "submitted_stages": submitted,
            "answers": answers, "saved_at": {qid: stamp for qid in answers}}


def nbgrader_timestamp(when: dt.datetime) -> str:
    """The format ``nbgrader submit`` writes in timestamp.txt."""
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f UTC")


def write_answers(folder: Path, spec: dict, profile: str, rng: random.Random, breakage: str | None = None) -> None:
    """Write a student's answers file for ``spec`` into ``folder`` (the notebook's folder)."""
    doc = answers_for(spec, profile, rng)
    if breakage == "script":
        for stage in spec["stages"]:
            for q in stage.get("questions") or []:
                if q["type"] == "open":
                    doc["answers"][q["id"]] = SCRIPT + (q.get("model_answer") or _PARTIAL_TEXT)
    if breakage == "other-scenario":
        doc["scenario"] = "een-andere-casus"
    path = folder / f"{spec['id']}.answers.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    if breakage == "corrupt":
        path.write_text('{"format": "casuslab/answers-v1", "scenario": ', encoding="utf-8")
    elif breakage == "huge":
        with path.open("w", encoding="utf-8") as fh:
            fh.write('{"scenario": "' + spec["id"] + '", "answers": {}, "pad": "')
            fh.write("x" * 10_000_000)
            fh.write('"}')
    elif breakage == "no-answers":
        path.unlink()


def break_submission(folder: Path, notebooks: list[str], breakage: str | None) -> None:
    """Damage a submission folder the way real ones get damaged."""
    if breakage == "missing-notebook":
        for name in notebooks[:1]:
            (folder / f"{name}.ipynb").unlink(missing_ok=True)
    elif breakage == "bad-timestamp":
        (folder / "timestamp.txt").write_text("gisteren rond middernacht", encoding="utf-8")
    elif breakage == "unexpected-files":
        (folder / "notities.docx").write_bytes(b"PK\x03\x04 not really a docx")
        (folder / "extra").mkdir(exist_ok=True)
        (folder / "extra" / "kopie.ipynb").write_text("{}", encoding="utf-8")


def make_submission(course_root: Path, student: str, assignment: str, specs: list[dict], profile: str,
                    rng: random.Random, breakage: str | None = None, when: dt.datetime | None = None) -> Path:
    """``submitted/<student>/<assignment>/`` as ``nbgrader collect`` leaves it (for local tests and the benchmark)."""
    folder = course_root / "submitted" / student / assignment
    release = course_root / "release" / assignment
    folder.mkdir(parents=True, exist_ok=True)
    for path in release.iterdir():
        if path.is_file():
            shutil.copyfile(path, folder / path.name)
    for spec in specs:
        write_answers(folder, spec, profile, rng, breakage)
    when = when or dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)
    (folder / "timestamp.txt").write_text(nbgrader_timestamp(when), encoding="utf-8")
    break_submission(folder, [s["id"] for s in specs], breakage)
    return folder
