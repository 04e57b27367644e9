"""The rubric pre-scorer agrees with expert levels: quadratic-weighted kappa on the held-out
test split of tests/data/rubric_eval (a quality gate, pooled and for the Dutch answers alone),
with the kappa itself checked against hand-computed values."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EVAL_DIR = ROOT / "tests" / "data" / "rubric_eval"
KAPPA_TARGET = 0.75  # pooled over nl, fr and en
KAPPA_TARGET_NL = 0.70  # Dutch answers alone (most of the set, and the students' language)


def _bench():
    spec = importlib.util.spec_from_file_location("rubric_agreement", ROOT / "benchmarks" / "rubric_agreement.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _bench()


def test_weighted_kappa_hand_computed():
    # expert/scorer pairs over levels 0..2; weights (i-j)^2/4.
    # observed weighted disagreement: (0,1) 0.25 + (2,1) 0.25 = 0.5
    # marginals: expert 2/1/2, scorer 1/3/1, n = 5; expected weighted disagreement:
    # 0.25 * (1.2 + 0.2 + 0.2 + 1.2) + 1 * (0.4 + 0.4) = 1.5  ->  kappa_w = 1 - 0.5 / 1.5 = 2/3
    pairs = [(0, 0), (0, 1), (1, 1), (2, 1), (2, 2)]
    assert bench.weighted_kappa(pairs) == pytest.approx(2 / 3)


def test_weighted_kappa_extremes():
    assert bench.weighted_kappa([(0, 0), (1, 1), (2, 2), (3, 3)]) == pytest.approx(1.0)
    # complete reversal of two judgements: observed 2, expected 1 -> -1
    assert bench.weighted_kappa([(0, 2), (2, 0)]) == pytest.approx(-1.0)
    # a far miss costs more than a near one (the quadratic weight)
    near = bench.weighted_kappa([(0, 0), (1, 1), (2, 2), (2, 1)])
    far = bench.weighted_kappa([(0, 0), (1, 1), (2, 2), (2, 0)])
    assert far < near < 1.0
    with pytest.raises(ValueError):
        bench.weighted_kappa([])


def test_eval_set_covers_every_open_question_in_both_splits_and_languages():
    questions = bench._open_questions()
    docs = bench.load_eval(EVAL_DIR)
    covered = {(d["scenario"], d["question"]) for d in docs}
    assert covered == set(questions) and len(covered) == 12
    for doc in docs:
        rubric = {c["id"]: {int(k) for k in c["levels"]} for c in questions[(doc["scenario"], doc["question"])]["rubric"]}
        answers = doc["answers"]
        assert 8 <= len(answers) <= 12, doc["scenario"]
        assert {a["split"] for a in answers} == {"dev", "test"}, doc["scenario"]
        assert len({a["id"] for a in answers}) == len(answers)
        for a in answers:
            assert a["text"].strip()
            assert set(a["levels"]) == set(rubric), (doc["scenario"], a["id"])
            for cid, level in a["levels"].items():
                assert level in rubric[cid], (doc["scenario"], a["id"], cid, level)
    langs = [a.get("lang", "nl") for d in docs for a in d["answers"]]
    assert langs.count("fr") >= 3 and langs.count("en") >= 3


def test_pre_scorer_agrees_with_experts_on_the_test_split():
    items = bench.judgements(EVAL_DIR)
    test = [j for j in items if j.split == "test"]
    assert len(test) >= 200
    kappa = bench.kappa_of(test)
    assert kappa >= KAPPA_TARGET, f"kappa_w on the test split {kappa:.3f} < {KAPPA_TARGET}"


def test_pre_scorer_agrees_with_experts_on_dutch_answers_of_the_test_split():
    dutch = [j for j in bench.judgements(EVAL_DIR) if j.split == "test" and j.lang == "nl"]
    assert len(dutch) >= 150
    kappa = bench.kappa_of(dutch)
    assert kappa >= KAPPA_TARGET_NL, f"kappa_w on the Dutch test answers {kappa:.3f} < {KAPPA_TARGET_NL}"
