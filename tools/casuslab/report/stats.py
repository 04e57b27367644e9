"""Pure statistics for the class report: item analysis (Moodle's formulas), summaries, time on task.

Item analysis follows Moodle's quiz statistics (docs.moodle.org/dev "Quiz statistics
calculations"; ``question/classes/statistics/questions/calculator.php``), over the
students who *reached* the item (an item on a branch a student did not take is left
out, never counted as 0). With ``x`` the item score, ``X`` the rest of the test (the
student's test total minus ``x``) and ``s`` the number of students:

- facility ``F = 100 * mean(x) / max``;
- standard deviation ``SD = 100 * sqrt(sum((x - mean x)^2) / (s - 1)) / max``;
- discrimination index ``D = 100 * C(x, X) / sqrt(V(x) V(X))`` (Pearson correlation of
  item and rest of test), with ``C`` and ``V`` the sample covariance and variances
  (divided by ``s - 1``); undefined when a variance is 0;
- discriminative efficiency ``E = 100 * C(x, X) / C_max(x, X)``, where ``C_max`` is the
  covariance the same two lists of scores would have if both were sorted in the same
  order (each student's item score paired with the rest score of the same rank):
  the largest covariance the score distributions allow. Undefined when ``C_max`` is 0.

An item is flagged when ``E < 15`` or ``F`` lies outside 5-95 %.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

EFFICIENCY_MIN = 15.0
FACILITY_RANGE = (5.0, 95.0)
MAX_TASK_SECONDS = 4 * 3600  # longer between first and last save: the student came back later; not counted


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def sample_sd(values: Sequence[float]) -> float | None:
    if len(values) < 2:
        return None
    m = sum(values) / len(values)
    return math.sqrt(sum((v - m) ** 2 for v in values) / (len(values) - 1))


@dataclass
class Summary:
    n: int
    mean: float | None
    median: float | None
    sd: float | None
    low: float | None
    high: float | None


def summary(values: Sequence[float]) -> Summary:
    return Summary(len(values), mean(values), median(values), sample_sd(values),
                   min(values) if values else None, max(values) if values else None)


@dataclass
class ItemStats:
    n: int
    facility: float | None        # %
    sd: float | None              # % of the item's maximum
    discrimination: float | None  # %
    efficiency: float | None      # %
    flags: list[str] = field(default_factory=list)


def item_statistics(pairs: Iterable[tuple[float, float]], maximum: float) -> ItemStats:
    """Moodle's item statistics from (item score, rest-of-test score) per student who reached the item."""
    pairs = list(pairs)
    s = len(pairs)
    if s == 0:
        return ItemStats(0, None, None, None, None)
    marks = [p[0] for p in pairs]
    others = [p[1] for p in pairs]
    avg = sum(marks) / s
    other_avg = sum(others) / s
    facility = 100 * avg / maximum if maximum else None
    sd = discrimination = efficiency = None
    if s > 1:
        var = sum((m - avg) ** 2 for m in marks) / (s - 1)
        other_var = sum((o - other_avg) ** 2 for o in others) / (s - 1)
        cov = sum((m - avg) * (o - other_avg) for m, o in pairs) / (s - 1)
        cov_max = sum((m - avg) * (o - other_avg) for m, o in zip(sorted(marks), sorted(others))) / (s - 1)
        sd = 100 * math.sqrt(var) / maximum if maximum else None
        if var * other_var > 1e-12:
            discrimination = 100 * cov / math.sqrt(var * other_var)
        if abs(cov_max) > 1e-12:
            efficiency = 100 * cov / cov_max
    stats = ItemStats(s, facility, sd, discrimination, efficiency)
    stats.flags = item_flags(stats)
    return stats


def item_flags(stats: ItemStats) -> list[str]:
    """Why an item deserves a second look (Dutch, for the lecturer)."""
    flags = []
    if stats.facility is not None and stats.facility < FACILITY_RANGE[0]:
        flags.append("te moeilijk: F < 5 %")
    if stats.facility is not None and stats.facility > FACILITY_RANGE[1]:
        flags.append("te makkelijk: F > 95 %")
    if stats.efficiency is not None and stats.efficiency < EFFICIENCY_MIN:
        flags.append("onderscheidt zwak: E < 15 %")
    return flags


@dataclass
class OptionCount:
    key: str       # option id, or "" for the "no answer" / "invalid" rows
    label: str
    correct: bool
    count: int


def option_counts(question: dict, values: Sequence[Any]) -> list[OptionCount]:
    """How often each option was chosen (single) or ticked (multiple) by the students who reached it."""
    options = question.get("options", [])
    known = {o["id"] for o in options}
    counts = {o["id"]: 0 for o in options}
    empty = invalid = 0
    for value in values:
        if value is None:
            empty += 1
        elif question.get("type") == "single":
            if isinstance(value, str) and value in known:
                counts[value] += 1
            else:
                invalid += 1
        elif isinstance(value, list) and all(isinstance(v, str) and v in known for v in value) \
                and len(set(value)) == len(value):
            if not value:
                empty += 1
            for v in value:
                counts[v] += 1
        else:
            invalid += 1
    rows = [OptionCount(o["id"], str(o.get("text", "")), bool(o.get("correct")), counts[o["id"]]) for o in options]
    rows.append(OptionCount("", "geen antwoord", False, empty))
    if invalid:
        rows.append(OptionCount("", "ongeldig antwoord", False, invalid))
    return rows


def parse_moment(text: Any) -> dt.datetime | None:
    """An ISO 8601 moment with a time zone (contract §4 ``saved_at``), or None."""
    if not isinstance(text, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def time_on_task(saved_at: Any) -> float | None:
    """Seconds from the first to the last ``saved_at`` of one answers file.

    None when there are fewer than two different readable moments (with a time zone): every
    answer stamped with one and the same moment (a file written in one go, such as a simulated
    or restored one) says nothing about the time spent; also None when the span exceeds
    ``MAX_TASK_SECONDS`` (the student came back hours or days later: the span
    says nothing about the time spent).
    """
    if not isinstance(saved_at, dict):
        return None
    moments = {m for m in (parse_moment(v) for v in saved_at.values()) if m is not None}
    if len(moments) < 2:
        return None
    span = (max(moments) - min(moments)).total_seconds()
    return span if span <= MAX_TASK_SECONDS else None


def histogram(values: Iterable[float], low: float, high: float, bins: int) -> list[int]:
    """Counts per equal-width bin over [low, high]; the last bin includes ``high``; values outside are clamped."""
    counts = [0] * bins
    width = (high - low) / bins
    for value in values:
        i = int((value - low) // width) if width else 0
        counts[min(max(i, 0), bins - 1)] += 1
    return counts
