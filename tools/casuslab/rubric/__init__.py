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
- negation, per language (the answer's language is guessed: nl, fr or en): a
  match with a negator (``niet``, ``geen``, ``zonder``; ``pas``, ``jamais``,
  ``sans``; ``not``, ``never``, ``without``, ``-n't`` ...) before it in the same
  clause, at most ``NEGATION_WINDOW`` words back, or an adverbial ``niet``/``niets``/
  ``nooit`` right after it ("de politie bel ik niet"), is reported as negated and
  does not count. A clause ends at punctuation or a word such as ``maar``,
  ``omdat``, ``want``, ``tenzij``, ``mais``, ``but``. A negated negation is no
  negation ("niet zonder toestemming", "niets met zijn ouders zonder
  toestemming"), and a cue that contains a negator itself ("geen toestemming")
  is not negated by it; an enumeration carries the negation across its commas ("niet
  naar gedachten, een plan of middelen"), see ``casuslab.rubric.negation``;
- wildcard exclusions: a ``*`` does not reach common words that merely share the
  stem (``nood*`` not ``noodzakelijk``, ``belang*`` not ``belangrijk``), see
  ``WILDCARD_EXCLUSIONS``.

A criterion with ``n`` cues and top level ``k`` gets level
``round_half_up(k * matched / n)``, snapped down to a defined level.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from casuslab.rubric.negation import (  # noqa: F401  (part of this module's interface)
    CLAUSE_BREAKS, NEGATION_WINDOW, NEGATORS, TRAILING_WINDOW, clause, find_negation,
)
from casuslab.rubric.negation import ALL_NEGATORS as _ALL_NEGATORS

_WORD = re.compile(r"[0-9a-z]+(?:'[0-9a-z]+)*")
_ELISION = re.compile(r"(qu'|[cdjlmnst]')[0-9a-z]")
_NUMBER_SUFFIXES = frozenset({"bis", "ter", "quater", "quinquies", "sexies", "septies", "octies"})

# common words a wildcard cue does not reach when its stem is shorter than the word's
WILDCARD_EXCLUSIONS = frozenset({
    "noodzakelijk", "noodzaak", "belangrijk", "belangstelling", "betrekking", "smartphone",
})
# function words that tell the languages apart
_LANGUAGE_MARKERS = {
    "nl": frozenset({"de", "het", "een", "en", "van", "ik", "dat", "niet", "zijn", "met", "voor", "op", "ze", "hij"}),
    "fr": frozenset({"le", "la", "les", "un", "une", "et", "est", "je", "des", "du", "pour", "avec", "que", "pas", "il", "elle"}),
    "en": frozenset({"the", "and", "to", "of", "i", "a", "with", "for", "that", "she", "he", "her", "his", "not"}),
}

# inflectional endings, longest first; a base must keep at least 3 letters
_SUFFIXES = (
    "etjes", "eren", "tjes", "pjes", "etje", "jes", "tje", "pje", "den", "ten",
    "'s", "je", "en", "de", "te", "s", "t", "e",
)
_MIN_BASE = 3
_NO_STRIP = frozenset({"weten", "heten", "alleen", "alles"})  # weten is not the plural of wet
_VOWELS = "aeiou"


def fold(text: str) -> str:
    """Lowercase and strip accents (é -> e, ë -> e)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("\u2019", "'"))
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
    raw: list[tuple[str, int, int]] = []
    for m in _WORD.finditer(folded):
        elided = _ELISION.match(m.group())
        if elided:  # French l'OCMW, n'appelle, d'accord: the article and the word apart
            cut = m.start() + len(elided.group(1))
            raw += [(elided.group(1), m.start(), cut), (m.group()[len(elided.group(1)):], cut, m.end())]
        else:
            raw.append((m.group(), m.start(), m.end()))
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
            return word.startswith(self.core) and not _excluded(self.core, word)
        return stem_match(self.core, word)


def _excluded(core: str, word: str) -> bool:
    """Whether ``word`` is (a form of) a common word the wildcard ``core*`` must not reach."""
    return any(word.startswith(common) and len(common) > len(core) for common in WILDCARD_EXCLUSIONS
               if common.startswith(core))


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


def guess_language(words: list[tuple[str, int, int]]) -> str:
    """``nl``, ``fr`` or ``en``: the language whose function words the text uses most (nl on a tie)."""
    counts = {lang: 0 for lang in _LANGUAGE_MARKERS}
    for word, _, _ in words:
        for lang, markers in _LANGUAGE_MARKERS.items():
            if word in markers:
                counts[lang] += 1
    best = max(counts.values())
    return "nl" if counts["nl"] == best else max(counts, key=counts.get)


class _Index:
    """A text's words, with the positions of every word and stemming base (built once per text)."""

    def __init__(self, words: list[tuple[str, int, int]]):
        self.words = words
        self.language = guess_language(words)
        self.by_base: dict[str, list[int]] = {}
        for i, (word, _, _) in enumerate(words):
            for base in word_bases(word):
                self.by_base.setdefault(base, []).append(i)

    def positions(self, part: _Part) -> list[int]:
        if part.wildcard:
            return [i for i, (word, _, _) in enumerate(self.words) if part.matches(word)]
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
        checks_negation = not any(p.core in _ALL_NEGATORS for p in parts)
        n = len(parts)
        for i in index.positions(parts[0]):
            if i + n > len(words) or not all(parts[j].matches(words[i + j][0]) for j in range(1, n)):
                continue
            start, end = words[i][1], words[i + n - 1][2]
            neg = find_negation(text, words, i, n, index.language) if checks_negation else None
            if neg is None:
                return CueMatch(cue, text[start:end], (start, end))
            if negated is None:
                nstart, nend = words[neg[0]][1], words[neg[1]][2]
                negated = CueMatch(cue, None, None, text[nstart:nend], (nstart, nend))
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
