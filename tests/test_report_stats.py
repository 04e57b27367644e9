"""The class report's statistics against values computed by hand on a small cohort.

The cohort (six students, three items; s6 took the other branch and never reached item A):

    student   A (single, max 1)   B (multiple, max 2)   C (scale, max 1)   total
    s1        1  (answer b)       2                     1                  4
    s2        1  (answer b)       1                     0                  2
    s3        0  (answer a)       2                     1                  3
    s4        0  (no answer)      0                     0                  0
    s5        1  (answer b)       0                     1                  2
    s6        -  (not reached)    2                     1                  3

Item A over s1..s5: x = [1, 1, 0, 0, 1], rest of test X = total - x = [3, 1, 3, 0, 1].
    mean x = 0.6, mean X = 1.6; deviations dx = [.4, .4, -.6, -.6, .4], dX = [1.4, -.6, 1.4, -1.6, -.6]
    V(x) = (3 * .16 + 2 * .36) / 4 = 0.3;  V(X) = (1.96 + .36 + 1.96 + 2.56 + .36) / 4 = 1.8
    C(x, X) = (.56 - .24 - .84 + .96 - .24) / 4 = 0.2 / 4 = 0.05
    facility F = 100 * 0.6 / 1 = 60 %;  SD = 100 * sqrt(0.3) = 54.772 %
    discrimination D = 100 * 0.05 / sqrt(0.3 * 1.8) = 5 / sqrt(0.54) = 6.8041 %
    sorted: x = [0, 0, 1, 1, 1] -> dx = [-.6, -.6, .4, .4, .4]; X = [0, 1, 1, 3, 3] -> dX = [-1.6, -.6, -.6, 1.4, 1.4]
    C_max = (.96 + .36 - .24 + .56 + .56) / 4 = 2.2 / 4 = 0.55
    discriminative efficiency E = 100 * 0.05 / 0.55 = 9.0909 %  -> flagged (E < 15)
    option frequencies of A (5 students reached it): a 1, b 3, c 0, no answer 1
Item B over s1..s6 (s6 counts here): x = [2, 1, 2, 0, 0, 2] -> F = 100 * (7/6) / 2 = 58.333 %
    X = [2, 1, 1, 0, 2, 1], mean X = 7/6; dx = x - 7/6, dX = X - 7/6
    sum dx dX = (5/6)(5/6) + (-1/6)(-1/6) + (5/6)(-1/6) + (-7/6)(-7/6) + (-7/6)(5/6) + (5/6)(-1/6)
              = (25 + 1 - 5 + 49 - 35 - 5) / 36 = 30/36 -> C = (30/36) / 5 = 1/6
    sum dx^2 = (25 + 1 + 25 + 49 + 49 + 25) / 36 = 174/36; sum dX^2 = (25 + 1 + 1 + 49 + 25 + 1) / 36 = 102/36
    D = 100 * 30 / sqrt(174 * 102) = 3000 / 133.222 = 22.519 %
    sorted x = [0, 0, 1, 2, 2, 2], sorted X = [0, 1, 1, 1, 2, 2]:
    sum = (-7)(-7) + (-7)(-1) + (-1)(-1) + (5)(-1) + (5)(5) + (5)(5) = 49 + 7 + 1 - 5 + 25 + 25 = 102 (/36)
    E = 100 * 30 / 102 = 29.412 %  -> not flagged
"""

from __future__ import annotations

import math

import pytest

from casuslab.report import analysis, stats
from casuslab.report.collect import Cohort, Item, Scenario, StudentRecord

SINGLE = {"id": "a", "type": "single", "points": 1,
          "options": [{"id": "a", "text": "fout"}, {"id": "b", "text": "juist", "correct": True},
                      {"id": "c", "text": "ook fout"}]}
MULTIPLE = {"id": "b", "type": "multiple", "points": 2,
            "options": [{"id": "x", "text": "x", "correct": True}, {"id": "y", "text": "y", "correct": True},
                        {"id": "z", "text": "z"}]}
SCALE = {"id": "c", "type": "scale", "points": 1, "min": 1, "max": 5, "accept": [1, 2]}


def _cohort() -> Cohort:
    spec = {"id": "casus", "title": "Casus", "stages": [{"id": "een", "questions": [SINGLE, MULTIPLE, SCALE]}]}
    items = [Item(f"casus/{q['id']}", "casus", q["id"], q["type"], "een", q["id"], float(q["points"]), q, f"q-{q['id']}")
             for q in (SINGLE, MULTIPLE, SCALE)]
    table = {  # student: (A score, A answer or "-" when not reached, B score, C score)
        "s1": (1, "b", 2, 1), "s2": (1, "b", 1, 0), "s3": (0, "a", 2, 1),
        "s4": (0, None, 0, 0), "s5": (1, "b", 0, 1), "s6": (0, "-", 2, 1),
    }
    students = []
    for sid, (a, answer, b, c) in table.items():
        record = StudentRecord(sid, status="op tijd", maximum=4.0)
        record.scores = {"casus/a": float(a), "casus/b": float(b), "casus/c": float(c)}
        record.reached = {"casus/b", "casus/c"} | (set() if answer == "-" else {"casus/a"})
        if answer != "-":
            record.answers["casus/a"] = answer
        record.total = record.raw_total
        students.append(record)
    students.append(StudentRecord("s7"))  # in the gradebook, never submitted: counts nowhere
    return Cohort("toets", None, [Scenario("casus", "casus", "Casus", spec, 4.0)], items, students)


def test_item_statistics_match_the_hand_computed_values():
    rows = {row.item.qid: row for row in analysis.item_rows(_cohort())}
    a = rows["a"].stats
    assert rows["a"].reached == 5 and a.n == 5  # s6 did not reach A: left out, not counted as 0
    assert a.facility == pytest.approx(60.0)
    assert a.sd == pytest.approx(100 * math.sqrt(0.3))
    assert a.discrimination == pytest.approx(6.8041, abs=1e-4)
    assert a.efficiency == pytest.approx(9.0909, abs=1e-4)
    assert a.flags == ["onderscheidt zwak: E < 15 %"]
    b = rows["b"].stats
    assert b.n == 6
    assert b.facility == pytest.approx(58.3333, abs=1e-4)
    assert b.discrimination == pytest.approx(100 * 30 / math.sqrt(174 * 102))
    assert b.discrimination == pytest.approx(22.519, abs=1e-3)
    assert b.efficiency == pytest.approx(29.412, abs=1e-3)
    assert b.flags == []


def test_option_frequencies_count_only_students_who_reached_the_item():
    rows = {row.item.qid: row for row in analysis.item_rows(_cohort())}
    counts = {(o.key, o.label): o.count for o in rows["a"].options}
    assert counts == {("a", "fout"): 1, ("b", "juist"): 3, ("c", "ook fout"): 0, ("", "geen antwoord"): 1}
    assert [o.correct for o in rows["a"].options] == [False, True, False, False]


def test_flags_for_facility_outside_5_to_95_and_undefined_indices():
    everyone = stats.item_statistics([(1, 3), (1, 2), (1, 0)], 1)
    assert everyone.facility == 100 and everyone.discrimination is None and everyone.efficiency is None
    assert everyone.flags == ["te makkelijk: F > 95 %"]
    nobody = stats.item_statistics([(0, 3), (0, 2)], 2)
    assert nobody.flags == ["te moeilijk: F < 5 %"]
    assert stats.item_statistics([], 1).facility is None
    single = stats.item_statistics([(1, 2)], 2)
    assert single.facility == 50 and single.sd is None and single.discrimination is None


def test_multiple_choice_frequencies_count_each_ticked_option():
    rows = stats.option_counts(MULTIPLE, [["x", "y"], ["x"], [], None, ["x", "x"], "x"])
    counts = {(o.key or o.label): o.count for o in rows}
    assert counts == {"x": 2, "y": 1, "z": 0, "geen antwoord": 2, "ongeldig antwoord": 2}


def test_time_on_task_from_saved_at():
    assert stats.time_on_task({"a": "2026-12-01T10:00:00+01:00", "b": "2026-12-01T10:25:30+01:00",
                               "c": "2026-12-01T09:10:00Z"}) == 25 * 60 + 30  # 09:10Z = 10:10+01:00, in between
    assert stats.time_on_task({"a": "2026-12-01T10:00:00+01:00"}) is None          # one moment: no span
    assert stats.time_on_task({"a": "2026-12-01T10:00:00+01:00", "b": "2026-12-01T10:00:00+01:00",
                               "c": "2026-12-01T09:00:00Z"}) is None       # every answer the same moment: no span, not 0
    assert stats.time_on_task({"a": "2026-12-01T10:00:00+01:00", "b": "2026-12-01T15:00:01+01:00"}) is None  # > 4 h
    assert stats.time_on_task({"a": "2026-12-01T10:00:00", "b": "gisteren", "c": 5,
                               "d": "2026-12-01T10:05:00+01:00"}) is None       # no zone / unreadable: ignored
    assert stats.time_on_task("kapot") is None


def test_score_distribution_and_status_counts():
    cohort = _cohort()
    scores, counts, summary, passed = analysis.score_distribution(cohort)
    assert sorted(scores) == [0.0, 10.0, 10.0, 15.0, 15.0, 20.0]   # totals 0, 2, 2, 3, 3, 4 of 4
    assert counts[0] == 1 and counts[10] == 2 and counts[15] == 2 and counts[19] == 1 and sum(counts) == 6
    assert summary.median == 12.5 and passed == 5
    assert analysis.status_counts(cohort) == {"op tijd": 6, "te laat": 0, "niet ingediend": 1, "niet beoordeeld": 0}
