"""What an exam case file gives away by its order: nothing (no nbgrader needed, fast)."""

from __future__ import annotations

import json
from pathlib import Path

from casuslab.build.checks import check_scenario, find_scenarios
from casuslab.build.studentspec import exam_options, student_spec
from casuslab.scenario.spec import to_spec

ROOT = Path(__file__).resolve().parents[1]


def clean_specs() -> dict[str, dict]:
    specs = {}
    for sid, path in find_scenarios(ROOT / "scenarios").items():
        model, problems = check_scenario(path)
        if model is not None and not any(p.is_error for p in problems):
            specs[sid] = to_spec(model)
    return specs


def test_exam_files_list_the_options_in_a_fixed_shuffle_not_the_authors_order():
    specs = clean_specs()
    assert len(specs) >= 10
    authored_first = shipped_first = singles = 0
    for sid, spec in specs.items():
        exam = student_spec(spec, "exam", "examen")
        assert json.dumps(exam, sort_keys=True) == json.dumps(student_spec(spec, "exam", "examen"), sort_keys=True)
        for stage, shipped in zip(spec["stages"], exam["stages"]):
            for q, xq in zip(stage.get("questions") or [], shipped.get("questions") or []):
                if "options" not in q:
                    continue
                expected = [o["id"] for o in exam_options(sid, q["id"], q["options"])]
                assert [o["id"] for o in xq["options"]] == expected, (sid, q["id"])
                assert sorted(expected) == sorted(o["id"] for o in q["options"])
                assert not any("correct" in o or "consequence" in o or "feedback" in o for o in xq["options"])
                if q["type"] == "single":
                    key = next(o["id"] for o in q["options"] if o.get("correct"))
                    singles += 1
                    authored_first += q["options"][0]["id"] == key
                    shipped_first += xq["options"][0]["id"] == key
    # authors put the key first in most questions (32 of 44 when this was written); the file must not
    assert authored_first > singles // 2
    assert shipped_first <= singles // 2 and shipped_first < authored_first
