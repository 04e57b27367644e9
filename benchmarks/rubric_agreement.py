"""How well does the rubric pre-scorer agree with expert levels? (``make bench-rubric``)

Reads the evaluation set in ``tests/data/rubric_eval/`` (per scenario: student answers with
the expert level per criterion, split into ``dev`` and ``test``), runs the pre-scorer
(``casuslab.rubric.suggest``) on every answer and prints the quadratic-weighted Cohen's kappa
(kappa_w) over all criterion judgements, pooled, per split and per scenario.

    python benchmarks/rubric_agreement.py            # kappa_w per split and per scenario
    python benchmarks/rubric_agreement.py --misses dev   # also every disagreement on dev

Tune the cues and the pre-scorer on ``dev`` only; ``test`` measures
(``tests/test_rubric_agreement.py`` holds the test split to kappa_w >= 0.75 pooled and
>= 0.70 for the Dutch answers alone).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
EVAL_DIR = ROOT / "tests" / "data" / "rubric_eval"
SCENARIOS = ROOT / "scenarios"
SPLITS = ("dev", "test")


def weighted_kappa(pairs: list[tuple[int, int]]) -> float:
    """Quadratic-weighted Cohen's kappa of (expert, scorer) level pairs.

    Categories are the levels 0..max over both raters; the weight of a disagreement is
    ``(i - j)**2 / (k - 1)**2``. kappa_w = 1 - sum(w * observed) / sum(w * expected), where
    expected comes from the product of the two raters' marginals. Perfect agreement is 1.0;
    if every judgement falls in one category (no variance), 1.0 when both agree, else 0.0.
    """
    if not pairs:
        raise ValueError("no judgements")
    k = max(max(a, b) for a, b in pairs) + 1
    if k == 1:
        return 1.0
    n = len(pairs)
    observed = [[0.0] * k for _ in range(k)]
    for a, b in pairs:
        observed[a][b] += 1
    rows = [sum(observed[i]) for i in range(k)]
    cols = [sum(observed[i][j] for i in range(k)) for j in range(k)]
    num = den = 0.0
    for i in range(k):
        for j in range(k):
            w = (i - j) ** 2 / (k - 1) ** 2
            num += w * observed[i][j]
            den += w * rows[i] * cols[j] / n
    if den == 0:
        return 1.0 if num == 0 else 0.0
    return 1.0 - num / den


class Judgement(NamedTuple):
    scenario: str
    answer: str
    split: str
    lang: str
    criterion: str
    expert: int
    scorer: int
    evidence: str  # what the scorer found, for the --misses listing


def _open_questions() -> dict[tuple[str, str], dict]:
    """Every open question of the scenarios, by (scenario id, question id)."""
    from casuslab.scenario.load import load_scenario
    from casuslab.scenario.spec import to_spec

    out: dict[tuple[str, str], dict] = {}
    for path in sorted(SCENARIOS.rglob("*.yaml")):
        if path.name == "references.yaml":
            continue
        loaded = load_scenario(path)
        if loaded.model is None:
            continue
        spec = to_spec(loaded.model)
        for stage in spec["stages"]:
            for q in stage.get("questions") or []:
                if q["type"] == "open":
                    out[(spec["id"], q["id"])] = q
    return out


def load_eval(eval_dir: Path = EVAL_DIR) -> list[dict]:
    """The evaluation files, parsed (one dict per scenario)."""
    import yaml

    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(eval_dir.glob("*.yaml"))]


def judgements(eval_dir: Path = EVAL_DIR) -> list[Judgement]:
    """The expert level and the pre-scorer's level for every (answer, criterion) of the set."""
    from casuslab import rubric

    questions = _open_questions()
    out: list[Judgement] = []
    for doc in load_eval(eval_dir):
        key = (doc["scenario"], doc["question"])
        if key not in questions:
            raise SystemExit(f"{key}: no such open question in scenarios/")
        question = questions[key]
        criteria = {c["id"] for c in question["rubric"]}
        for answer in doc["answers"]:
            if set(answer["levels"]) != criteria:
                raise SystemExit(f"{doc['scenario']}/{answer['id']}: levels for {sorted(answer['levels'])}, "
                                 f"rubric has {sorted(criteria)}")
            suggestions = rubric.suggest(question, answer["text"])
            for cid, expert in answer["levels"].items():
                s = suggestions[cid]
                found = [f"+{m.matched}" for m in s.matches if m.hit]
                found += [f"-[{m.negated}]" for m in s.matches if not m.hit and m.negated]
                out.append(Judgement(doc["scenario"], answer["id"], answer["split"], answer.get("lang", "nl"),
                                     cid, int(expert), int(s.level or 0), " ".join(found)))
    return out


def kappa_of(items: list[Judgement]) -> float:
    return weighted_kappa([(j.expert, j.scorer) for j in items])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", choices=SPLITS, help="list every disagreement in this split")
    args = parser.parse_args(argv)
    items = judgements()
    print(f"rubric pre-scorer vs expert levels: {len(items)} criterion judgements, "
          f"{len({(j.scenario, j.answer) for j in items})} answers")
    for split in SPLITS:
        part = [j for j in items if j.split == split]
        exact = sum(j.expert == j.scorer for j in part) / len(part)
        print(f"  {split:5s} kappa_w {kappa_of(part):.3f}  exact {exact:.0%}  (n={len(part)})")
    print(f"  all   kappa_w {kappa_of(items):.3f}")
    print("per language (dev / test / all):")
    for lang in sorted({j.lang for j in items}):
        cells = []
        for split in (*SPLITS, None):
            part = [j for j in items if j.lang == lang and split in (None, j.split)]
            cells.append(f"{kappa_of(part):6.3f} (n={len(part):3d})" if part else "   -  ")
        print(f"  {lang:3s} {' / '.join(cells)}")
    for split in SPLITS:
        part = [j for j in items if j.split == split]
        high = sum(j.scorer > j.expert for j in part)
        low = sum(j.scorer < j.expert for j in part)
        print(f"  {split:5s} misses: {high} too high, {low} too low")
    print("per scenario (dev / test):")
    for scenario in sorted({j.scenario for j in items}):
        cells = []
        for split in SPLITS:
            part = [j for j in items if j.scenario == scenario and j.split == split]
            cells.append(f"{kappa_of(part):6.3f}" if part else "   -  ")
        print(f"  {scenario:32s} {' / '.join(cells)}")
    if args.misses:
        print(f"disagreements on {args.misses} (expert -> scorer):")
        for j in items:
            if j.split == args.misses and j.expert != j.scorer:
                print(f"  {j.scenario}/{j.answer}/{j.criterion}: {j.expert} -> {j.scorer}  {j.evidence}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "tools"))
    sys.exit(main())
