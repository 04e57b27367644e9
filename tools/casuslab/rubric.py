"""The rubric pre-scorer: suggests a level per criterion from evidence cues, with its evidence.

Standard library only (it runs in the grading kernel too). It *suggests*; the
lecturer decides.

A cue is a string of alternatives separated by ``|``; each alternative is a word
or phrase matched as whole words, case- and accent-insensitively, where ``*`` at
a word's end matches any ending. On top of the contract, Dutch is handled
sensibly:

- simple stemming: a word also matches its inflected forms (plural ``-en``,
  ``-s``, ``'s``, ``-eren``; diminutives ``-je``, ``-tje``, ``-etje``, ``-pje`` and
  their plurals; verb endings ``-t``, ``-en``, ``-de``, ``-te``, ``-den``, ``-ten``;
  the participle ``ge-...-d/-t``), with Dutch spelling rules (``brieven`` ~
  ``brief``, ``huizen`` ~ ``huis``, ``praten`` ~ ``praat``, ``zeggen`` ~ ``zegt``);
- ``458 bis``, ``458-bis`` and ``458bis`` are the same word, and ``458`` matches
  none of them;
- negation: a match with ``niet``, ``geen``, ``zonder``, ``nooit``, ... at most
  ``NEGATION_WINDOW`` words before it (in the same clause) is reported as negated
  and does not count, unless the cue itself contains the negation word
  ("geen toestemming" as a cue), and unless the negation is itself negated
  ("niet zonder toestemming").

A criterion with ``n`` cues and top level ``k`` gets level
``round_half_up(k * matched / n)``, snapped down to a defined level.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

_WORD = re.compile(r"[0-9a-z]+(?:'[0-9a-z]+)*")
_NUMBER_SUFFIXES = frozenset({"bis", "ter", "quater", "quinquies", "sexies", "septies", "octies"})

NEGATORS = frozenset({"niet", "geen", "zonder", "nooit", "niets", "noch", "nergens", "geenszins"})
# words (besides punctuation) that end the clause a negation reaches
CLAUSE_BREAKS = frozenset({"maar", "wel", "want", "omdat", "dus", "doch", "tenzij", "behalve", "alleen", "enkel"})
_PUNCTUATION = re.compile(r"[.,;:!?()\[\]\n]")
NEGATION_WINDOW = 3

# inflectional endings, longest first; a base must keep at least 3 letters
_SUFFIXES = (
    "etjes", "eren", "tjes", "pjes", "etje", "jes", "tje", "pje", "den", "ten",
    "'s", "je", "en", "de", "te", "s", "t", "e",
)
_MIN_BASE = 3
_NO_STRIP = frozenset({"weten", "heten"})  # weten is not the plural of wet
_VOWELS = "aeiou"


def fold(text: str) -> str:
    """Lowercase and strip accents (é -> e, ë -> e)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _fold_aligned(text: str) -> str:
    """``fold(text)`` with one character per character of ``text`` (so spans stay valid)."""
    folded = fold(text)
    if len(folded) == len(text):
        return folded
    return "".join((fold(ch)[:1] or " ") for ch in text)


def tokens(text: str) -> list[tuple[str, int, int]]:
    """Words of ``text`` (folded) with their character spans in the original text.

    A number followed by ``bis``/``ter``/... (``458 bis``, ``458-bis``) is one word, ``458bis``.
    """
    folded = _fold_aligned(text)
    raw = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(folded)]
    out: list[tuple[str, int, int]] = []
    i = 0
    while i < len(raw):
        word, start, end = raw[i]
        if i + 1 < len(raw) and word.isdigit() and raw[i + 1][0] in _NUMBER_SUFFIXES:
            gap = folded[end:raw[i + 1][1]]
            if gap in (" ", "-", "") or (gap.strip() == "" and len(gap) <= 2):
                out.append((word + raw[i + 1][0], start, raw[i + 1][2]))
                i += 2
                continue
        out.append((word, start, end))
        i += 1
    return out


def _normalise_base(base: str) -> set[str]:
    """Dutch spelling variants of a stripped base: undouble, v/z -> f/s, lengthen the vowel."""
    forms = {base}
    if len(base) >= 3 and base[-1] == base[-2] and base[-1] not in _VOWELS:
        base = base[:-1]
        forms.add(base)
    elif len(base) >= 3 and base[-1] not in _VOWELS and base[-2] in _VOWELS and base[-3] not in _VOWELS:
        forms.add(base[:-2] + base[-2] + base[-2:])  # mak -> maak, prat -> praat
    for b in list(forms):
        if b.endswith("v"):
            forms.add(b[:-1] + "f")
        elif b.endswith("z"):
            forms.add(b[:-1] + "s")
    return {f for f in forms if len(f) >= _MIN_BASE}


@lru_cache(maxsize=65536)
def word_bases(word: str) -> frozenset[str]:
    """The word and the bases it may be an inflected form of (simple Dutch stemming)."""
    bases = {word}
    if any(ch.isdigit() for ch in word) or word in _NO_STRIP:
        return frozenset(bases)
    candidates = [word]
    if word.startswith("ge") and len(word) >= 6 and word[-1] in "dt":
        candidates += [word[2:], word[2:-1]]  # gemeld -> meld, gewerkt -> werk
    for cand in candidates:
        for suffix in _SUFFIXES:
            if cand.endswith(suffix) and len(cand) - len(suffix) >= _MIN_BASE:
                bases.update(_normalise_base(cand[: -len(suffix)]))
        if cand is not word and len(cand) >= _MIN_BASE:
            bases.add(cand)
    return frozenset(bases)


def stem_match(cue_word: str, word: str) -> bool:
    """Whether ``word`` (folded) is ``cue_word`` (folded) or an inflected form of the same base."""
    if cue_word == word:
        return True
    if any(ch.isdigit() for ch in cue_word + word):
        return False
    return not word_bases(cue_word).isdisjoint(word_bases(word))


@dataclass(frozen=True)
class _Part:
    core: str
    wildcard: bool

    def matches(self, word: str) -> bool:
        if self.wildcard:
            return word.startswith(self.core)
        return stem_match(self.core, word)


@lru_cache(maxsize=4096)
def _alternative_parts(alternative: str) -> tuple[_Part, ...]:
    parts: list[_Part] = []
    for word in re.split(r"\s+", fold(alternative).strip()):
        if not word:
            continue
        wildcard = word.endswith("*")
        for core, _, _ in tokens(word.rstrip("*")):
            parts.append(_Part(core, False))
        if wildcard and parts:
            parts[-1] = _Part(parts[-1].core, True)
    # merge "458" "bis" written apart in the cue itself
    merged: list[_Part] = []
    for part in parts:
        if merged and merged[-1].core.isdigit() and part.core in _NUMBER_SUFFIXES:
            merged[-1] = _Part(merged[-1].core + part.core, part.wildcard)
        else:
            merged.append(part)
    return tuple(merged)


@dataclass
class CueMatch:
    """What one cue found. ``matched`` is None unless the cue counts (found, not negated)."""

    cue: str
    matched: str | None  # the words of the answer that matched, or None
    span: tuple[int, int] | None = None
    negated: str | None = None  # the words of a negated match ("niet melden"), which does not count
    negated_span: tuple[int, int] | None = None

    @property
    def hit(self) -> bool:
        return self.matched is not None


@dataclass
class Suggestion:
    criterion: str
    level: int | None
    top: int
    matches: list[CueMatch] = field(default_factory=list)

    @property
    def hits(self) -> int:
        return sum(1 for m in self.matches if m.hit)


def _negation_start(text: str, words: list[tuple[str, int, int]], i: int) -> int | None:
    """Index of a negation word governing the word at ``i``, or None."""
    j = i - 1
    while j >= 0 and i - j <= NEGATION_WINDOW:
        between = text[words[j][2]:words[j + 1][1]]
        if _PUNCTUATION.search(between):
            return None
        word = words[j][0]
        if word in CLAUSE_BREAKS:
            return None
        if word in NEGATORS:
            # "niet zonder toestemming": a negated negation is no negation
            if j > 0 and words[j - 1][0] in NEGATORS and not _PUNCTUATION.search(text[words[j - 1][2]:words[j][1]]):
                return None
            return j
        j -= 1
    return None


class _Index:
    """A text's words, with the positions of every word and stemming base (built once per text)."""

    def __init__(self, words: list[tuple[str, int, int]]):
        self.words = words
        self.by_base: dict[str, list[int]] = {}
        for i, (word, _, _) in enumerate(words):
            for base in word_bases(word):
                self.by_base.setdefault(base, []).append(i)

    def positions(self, part: _Part) -> list[int]:
        if part.wildcard:
            return [i for i, (word, _, _) in enumerate(self.words) if word.startswith(part.core)]
        found: set[int] = set()
        for base in word_bases(part.core):
            found.update(self.by_base.get(base, ()))
        return sorted(i for i in found if part.matches(self.words[i][0]))


def match_cue(cue: str, text: str, words: list[tuple[str, int, int]] | None = None,
              index: _Index | None = None) -> CueMatch:
    """The first counting match of ``cue`` in ``text``; else a negated match, if any."""
    if index is None:
        index = _Index(tokens(text) if words is None else words)
    words = index.words
    negated: CueMatch | None = None
    for alternative in cue.split("|"):
        parts = _alternative_parts(alternative)
        if not parts:
            continue
        checks_negation = not any(p.core in NEGATORS for p in parts)
        n = len(parts)
        for i in index.positions(parts[0]):
            if i + n > len(words) or not all(parts[j].matches(words[i + j][0]) for j in range(1, n)):
                continue
            start, end = words[i][1], words[i + n - 1][2]
            neg = _negation_start(text, words, i) if checks_negation else None
            if neg is None:
                return CueMatch(cue, text[start:end], (start, end))
            if negated is None:
                nstart = words[neg][1]
                negated = CueMatch(cue, None, None, text[nstart:end], (nstart, end))
    return negated or CueMatch(cue, None)


def _levels(criterion: dict) -> list[int]:
    return sorted(int(k) for k in criterion.get("levels", {}))


def suggest_criterion(criterion: dict, text: str, index: _Index | None = None) -> Suggestion:
    levels = _levels(criterion)
    top = levels[-1] if levels else 0
    cues = criterion.get("evidence") or []
    if not cues:
        return Suggestion(criterion["id"], None, top, [])
    index = index or _Index(tokens(text))
    matches = [match_cue(cue, text, index=index) for cue in cues]
    hit = sum(1 for m in matches if m.hit)
    raw = Decimal(top * hit) / Decimal(len(cues))
    level = int(raw.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    # snap to a defined level at or below the computed one
    allowed = [lv for lv in levels if lv <= level]
    return Suggestion(criterion["id"], allowed[-1] if allowed else (levels[0] if levels else 0), top, matches)


def suggest(question: dict, text: str) -> dict[str, Suggestion]:
    """A suggestion for every criterion of an open question's rubric."""
    if not isinstance(text, str):
        text = ""
    index = _Index(tokens(text))
    return {c["id"]: suggest_criterion(c, text, index) for c in question.get("rubric", [])}
