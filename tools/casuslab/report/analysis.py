"""From a collected cohort to the numbers each section of the class report shows.

Only students with a graded submission count. Item statistics use the students who reached
the item and whose score for it is known (an open question that still awaits the lecturer
is left out and counted as pending). The test score of the item analysis is the sum of the
student's item scores before any late penalty (Moodle's ``sumgrades``); the score on 20
of the distribution is after the penalty, against the path maximum (as in the export).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from casuslab import paths
from casuslab.report import stats
from casuslab.report.collect import LECTURER, Cohort, Item, Scenario

PASS_MARK = 10.0  # on 20


@dataclass
class ItemRow:
    item: Item
    stats: stats.ItemStats
    reached: int          # students who reached the item
    pending: int          # of those, open answers the lecturer has not scored yet
    options: list[stats.OptionCount] | None = None


def item_rows(cohort: Cohort) -> list[ItemRow]:
    rows = []
    students = cohort.submitted
    for item in cohort.items:
        pairs, values, reached, pending = [], [], 0, 0
        for student in students:
            if item.key not in student.reached:
                continue
            reached += 1
            values.append(student.answers.get(item.key))
            score = student.scores.get(item.key)
            if score is None:
                pending += item.kind == "open"
                continue
            pairs.append((score, student.raw_total - score))
        options = stats.option_counts(item.question, values) if item.kind in ("single", "multiple") else None
        rows.append(ItemRow(item, stats.item_statistics(pairs, item.points), reached, pending, options))
    return rows


@dataclass
class PathReport:
    scenario: Scenario
    paths: list[tuple[tuple[str, ...], int]]          # every path of the scenario (and any other seen), with its count
    unknown: int                                       # submitted, but no usable answers file: path unknown
    branches: list[tuple[str, str, list[tuple[str, int]]]] = field(default_factory=list)
    # (stage id, branching question id, [(next stage id, students)]) per branching stage


def path_report(cohort: Cohort, scenario: Scenario) -> PathReport:
    taken = [s.paths.get(scenario.notebook) for s in cohort.submitted]
    counts = Counter(p for p in taken if p is not None)
    known = [tuple(p) for p in paths.all_paths(scenario.spec)]
    rows = [(p, counts.get(p, 0)) for p in known] + sorted((p, n) for p, n in counts.items() if p not in known)
    report = PathReport(scenario, rows, sum(1 for p in taken if p is None))
    index = paths.stage_index(scenario.spec)
    for stage in scenario.spec.get("stages", []):
        question = paths.branching_question(stage)
        if question is None:
            continue
        following: Counter = Counter()
        for p in taken:
            if p is not None and stage["id"] in p:
                at = p.index(stage["id"])
                following[p[at + 1] if at + 1 < len(p) else "(einde)"] += 1
        targets = paths.successors(scenario.spec, index[stage["id"]])
        report.branches.append((stage["id"], question["id"],
                                [(t, following.get(t, 0)) for t in targets]
                                + sorted((t, n) for t, n in following.items() if t not in targets)))
    return report


@dataclass
class CriterionLevels:
    criterion: dict
    levels: list[int]
    lecturer: list[int]    # students per level, from the lecturer's comment
    suggested: list[int]   # students per level, from the pre-scorer (no level in the lecturer's comment)


def rubric_levels(cohort: Cohort, item: Item) -> list[CriterionLevels]:
    found = []
    for criterion in item.question.get("rubric") or []:
        levels = sorted(int(k) for k in criterion.get("levels", {}))
        lecturer, suggested = [0] * len(levels), [0] * len(levels)
        for student in cohort.submitted:
            given = student.levels.get(item.key, {}).get(criterion.get("id"))
            if given is None or given[0] not in levels:
                continue
            target = lecturer if given[1] == LECTURER else suggested
            target[levels.index(given[0])] += 1
        found.append(CriterionLevels(criterion, levels, lecturer, suggested))
    return found


@dataclass
class TimeReport:
    scenario: Scenario
    minutes: list[float]
    left_out: int   # usable answers file, but fewer than two moments or an absurd span


def time_report(cohort: Cohort, scenario: Scenario) -> TimeReport:
    minutes, left_out = [], 0
    for student in cohort.submitted:
        if student.paths.get(scenario.notebook) is None:
            continue
        seconds = student.seconds.get(scenario.notebook)
        if seconds is None:
            left_out += 1
        else:
            minutes.append(seconds / 60)
    return TimeReport(scenario, minutes, left_out)


def score_distribution(cohort: Cohort) -> tuple[list[float], list[int], stats.Summary, int]:
    """(scores on 20, counts per point 0-1, ..., 19-20, summary, students at or above the pass mark)."""
    scores = [s.on20 for s in cohort.submitted]
    return scores, stats.histogram(scores, 0, 20, 20), stats.summary(scores), sum(1 for v in scores if v >= PASS_MARK)


def status_counts(cohort: Cohort) -> dict[str, int]:
    counts = Counter(s.status for s in cohort.students)
    return {status: counts.get(status, 0) for status in ("op tijd", "te laat", "niet ingediend", "niet beoordeeld")}
