"""The rubric pre-scorer: suggests a level per criterion from evidence cues, with its evidence.

Standard library only. It *suggests*; the lecturer decides.

A cue is a string of alternatives separated by ``|``; each alternative is a word
or phrase matched as whole words, case- and accent-insensitively, where ``*`` at
a word's end matches any ending. A criterion with ``n`` cues and top level ``k``
gets level ``round_half_up(k * matched / n)``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

_WORD = re.compile(r"[0-9a-z]+(?:[-'][0-9a-z]+)*")


def fold(text: str) -> str:
    """Lowercase and strip accents (é -> e, ë -> e)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokens(text: str) -> list[tuple[str, int, int]]:
    """Words of ``text`` (folded) with their character spans in the original text."""
    folded = fold(text)
    # NFKD can change lengths; map spans on the folded text back approximately by
    # folding per character so positions stay aligned.
    if len(folded) != len(text):
        folded = "".join(fold(ch)[:1] or " " for ch in text)
    return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(folded)]


def _alternative_pattern(alternative: str) -> list[re.Pattern]:
    parts = [w for w in re.split(r"\s+", fold(alternative).strip()) if w]
    patterns = []
    for part in parts:
        wildcard = part.endswith("*")
        core = "".join(_WORD.findall(part.rstrip("*")))
        if not core:
            continue
        patterns.append(re.compile(re.escape(core) + (r"[0-9a-z'-]*" if wildcard else "") + r"\Z"))
    return patterns


@dataclass
class CueMatch:
    cue: str
    matched: str | None  # the words of the answer that matched, or None
    span: tuple[int, int] | None = None


@dataclass
class Suggestion:
    criterion: str
    level: int | None
    top: int
    matches: list[CueMatch] = field(default_factory=list)


def match_cue(cue: str, text: str, words: list[tuple[str, int, int]] | None = None) -> CueMatch:
    words = tokens(text) if words is None else words
    for alternative in cue.split("|"):
        patterns = _alternative_pattern(alternative)
        if not patterns:
            continue
        n = len(patterns)
        for i in range(len(words) - n + 1):
            if all(patterns[j].match(words[i + j][0]) for j in range(n)):
                start, end = words[i][1], words[i + n - 1][2]
                return CueMatch(cue, text[start:end], (start, end))
    return CueMatch(cue, None)


def _levels(criterion: dict) -> list[int]:
    return sorted(int(k) for k in criterion.get("levels", {}))


def suggest_criterion(criterion: dict, text: str) -> Suggestion:
    levels = _levels(criterion)
    top = levels[-1] if levels else 0
    cues = criterion.get("evidence") or []
    if not cues:
        return Suggestion(criterion["id"], None, top, [])
    words = tokens(text)
    matches = [match_cue(cue, text, words) for cue in cues]
    hit = sum(1 for m in matches if m.matched is not None)
    raw = Decimal(top * hit) / Decimal(len(cues))
    level = int(raw.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    # snap to a defined level at or below the computed one
    allowed = [lv for lv in levels if lv <= level]
    return Suggestion(criterion["id"], allowed[-1] if allowed else levels[0], top, matches)


def suggest(question: dict, text: str) -> dict[str, Suggestion]:
    """A suggestion for every criterion of an open question's rubric."""
    return {c["id"]: suggest_criterion(c, text) for c in question.get("rubric", [])}
