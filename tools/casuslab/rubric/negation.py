"""Negation for the rubric pre-scorer: clauses, per-language negators and their scope.

Words are the folded ``(word, start, end)`` tuples of :func:`casuslab.rubric.tokens`.

A negator governs a match in its clause, at most ``NEGATION_WINDOW`` words before it, or
(an adverbial ``niet``/``niets``/...) at most ``TRAILING_WINDOW`` words after it. A clause ends
at punctuation or at a word in ``CLAUSE_BREAKS``, and a negation does not reach past a
coordinator that opens a new clause with its own subject ("..., et c'est son choix", "en ik
bel de school"); a negated negation is none.

An enumeration carries a negation across its commas: in "Ik vraag niet naar gedachten, een
plan of middelen" the items after the comma are still under "niet". A comma-separated segment
continues the list of the segment before it when

- it contains no new finite clause: no subject pronoun (``ik``, ``hij``, ``je``, ``il``, ``he``,
  ...) unless inside a complement clause opened in the segment by a subordinator (``of``/
  ``dat``, ``si``/``que``, ``whether``/``that``: "..., or whether he has a plan"), and it does
  not open with a relative pronoun (``die``, ``qui``, ``which``) or a word of contrast
  (``eerst``, ``liever``, ``plutot``, ``instead``: "niet de politie, eerst de school");
- it does not open with a coordinator, except in English: Dutch and French put no comma
  before the last ``en``/``of``/``et``/``ou`` of a list, so there a comma before it starts a
  new clause, while English writes the serial comma ("thoughts, a plan, or means"); a
  Dutch ``of`` before a subject pronoun is "whether" ("..., of hij een plan heeft");
- the list is closed: this segment or a following continuing one holds a coordinator
  (``en``, ``of``, ``et``, ``ou``, ``and``, ``or``). Without one, "niet A, B" is a correction
  ("not A but B"), not an enumeration.

The items of such a list share the negation of the segment before the first comma: when a
negator in that segment stands at most ``LIST_HEAD_WINDOW`` words before the comma (the
first item may be a longer phrase), every item is negated.
"""

from __future__ import annotations

import re

Words = list[tuple[str, int, int]]

# negators per language; French "plus" negates only after "ne"/"n'" in the same clause
NEGATORS = {
    "nl": frozenset({"niet", "geen", "zonder", "nooit", "niets", "noch", "nergens", "geenszins", "niemand"}),
    "fr": frozenset({"pas", "jamais", "rien", "sans", "aucun", "aucune", "ni", "nullement"}),
    "en": frozenset({"not", "no", "never", "without", "nothing", "nobody", "neither", "nor", "cannot"}),
}
_FR_NE = frozenset({"ne", "n'"})
_FR_AFTER_NE = frozenset({"plus", "personne"})
# negators that may follow what they negate ("de politie bel ik niet")
_TRAILING_NEGATORS = frozenset({"niet", "niets", "nooit", "nergens"})
_WITHOUT = frozenset({"zonder", "sans", "without"})
_COORDINATORS = frozenset({"en", "of", "et", "ou", "and", "or"})
ALL_NEGATORS = frozenset().union(*NEGATORS.values()) | _FR_NE
# words (besides punctuation) that end the clause a negation reaches
CLAUSE_BREAKS = frozenset({
    "maar", "wel", "want", "omdat", "dus", "doch", "tenzij", "behalve", "alleen", "enkel", "zodat",
    "terwijl", "hoewel", "wanneer", "zolang", "mais", "car", "parce", "donc", "sauf", "seulement",
    "lorsque", "quand", "but", "because", "so", "unless", "except", "only", "when", "while", "although",
})
# a line break inside a paragraph is no boundary (answers wrap), a blank line is
_PUNCTUATION = re.compile(r"[.,;:!?()\[\]\u2013\u2014]|\n\s*\n")
_LIST_COMMA = re.compile(r"\s*,\s*")
NEGATION_WINDOW = 4  # words back from a match
TRAILING_WINDOW = 3  # words after a match
LIST_HEAD_WINDOW = 2 * NEGATION_WINDOW  # words back from the comma that opens an enumeration

# enumerations: what makes a comma-separated segment a new clause rather than a list item
SUBJECT_PRONOUNS = {
    "nl": frozenset({"ik", "jij", "je", "hij", "zij", "ze", "wij", "we", "jullie", "u", "men"}),
    "fr": frozenset({"je", "j'", "tu", "il", "elle", "on", "nous", "vous", "ils", "elles", "c'"}),
    "en": frozenset({"i", "you", "he", "she", "we", "they", "it"}),
}
# words that open a complement clause, whose subject pronoun does not start a new clause
SUBORDINATORS = {
    "nl": frozenset({"of", "dat", "wat", "hoe", "waarom", "waar", "wie"}),
    "fr": frozenset({"si", "s'", "que", "qu'", "comment", "pourquoi", "ou", "qui"}),
    "en": frozenset({"whether", "if", "that", "what", "how", "why", "where", "who"}),
}
# a segment opening with one of these is no list item: a relative clause or a contrast
_NOT_AN_ITEM = frozenset({
    "die", "welke", "eerst", "liever", "eerder", "integendeel", "daarentegen", "wel",
    "qui", "dont", "lequel", "laquelle", "plutot", "contraire", "puis",
    "which", "whom", "whose", "rather", "instead", "first", "then",
})
_SERIAL_COMMA_LANGUAGES = frozenset({"en"})
_MAX_LIST_SEGMENTS = 8


def _boundary_before(text: str, words: Words, j: int) -> bool:
    """Whether a clause ends between word ``j - 1`` and word ``j``."""
    return bool(_PUNCTUATION.search(text[words[j - 1][2]:words[j][1]]))


def clause(text: str, words: Words, i: int, n: int) -> tuple[int, int]:
    """The first and one-past-last word of the clause around the words ``i .. i + n - 1``."""
    start = i
    while start > 0 and not _boundary_before(text, words, start) and words[start - 1][0] not in CLAUSE_BREAKS:
        start -= 1
    end = i + n
    while end < len(words) and not _boundary_before(text, words, end) and words[end][0] not in CLAUSE_BREAKS:
        end += 1
    return start, end


def _is_negator(words: Words, j: int, lang: str, clause_start: int) -> bool:
    word = words[j][0]
    if word in NEGATORS["nl"] or word in NEGATORS.get(lang, ()):
        return True
    if lang == "en" and word.endswith("n't"):
        return True
    return lang == "fr" and word in _FR_AFTER_NE and any(words[k][0] in _FR_NE for k in range(clause_start, j))


_CANCELLED = -1  # a negator was found, but it is itself negated


def _negator_before(words: Words, i: int, lang: str, start: int, window: int = NEGATION_WINDOW) -> int | None:
    """The nearest negator before word ``i`` in the clause starting at ``start`` (at most
    ``window`` words back), ``_CANCELLED`` if that negator is itself negated, else None."""
    pronouns = SUBJECT_PRONOUNS.get(lang, frozenset())
    # 'en ik', 'et c'est', 'and I' open a new clause; 'of hij' ("niet of hij een plan heeft",
    # whether) opens a complement clause the negation still reaches
    new_clause = _COORDINATORS - SUBORDINATORS.get(lang, frozenset())
    for j in range(i - 1, max(start, i - window) - 1, -1):
        if words[j][0] in new_clause and words[j + 1][0] in pronouns:
            return None  # a coordinated new clause: "Katrien ne veut pas et c'est son choix"
        if _is_negator(words, j, lang, start):
            # a negated negation is none: "niet zonder toestemming" (adjacent), and a "zonder"
            # after an earlier negator in the clause ("niets met zijn ouders zonder toestemming")
            reach = 2 * NEGATION_WINDOW if words[j][0] in _WITHOUT else 1
            if any(_is_negator(words, k, lang, start) for k in range(max(start, j - reach), j)):
                return _CANCELLED
            return j
    return None


def _is_item(words: Words, start: int, end: int, lang: str) -> bool:
    """Whether the segment ``start .. end - 1`` holds no new finite clause (see the module doc)."""
    first = words[start][0]
    pronouns, subordinators = SUBJECT_PRONOUNS.get(lang, frozenset()), SUBORDINATORS.get(lang, frozenset())
    # ", of hij een plan heeft" (whether) is a complement clause, not a coordinated one
    complement = first in subordinators and start + 1 < end and words[start + 1][0] in pronouns
    if first in _NOT_AN_ITEM or (first in _COORDINATORS and lang not in _SERIAL_COMMA_LANGUAGES and not complement):
        return False
    embedded = False
    for k in range(start, end):
        word = words[k][0]
        if word in subordinators:
            embedded = True
        elif word in pronouns and not embedded:
            return False
    return True


def _list_item(text: str, words: Words, start: int, lang: str) -> bool:
    """Whether the segment starting at ``start`` continues an enumeration begun before its comma."""
    if start == 0 or not _LIST_COMMA.fullmatch(text[words[start - 1][2]:words[start][1]]):
        return False
    for _ in range(_MAX_LIST_SEGMENTS):
        end = clause(text, words, start, 1)[1]
        if not _is_item(words, start, end, lang):
            return False
        if any(words[k][0] in _COORDINATORS for k in range(start, end)):
            return True  # the list is closed by its last 'en'/'of'/'and'/...
        if end >= len(words) or not _LIST_COMMA.fullmatch(text[words[end - 1][2]:words[end][1]]):
            return False
        start = end
    return False


def _list_negation(text: str, words: Words, start: int, lang: str) -> int | None:
    """The negator the list items from ``start`` on inherit from the segment before them, or None."""
    for _ in range(_MAX_LIST_SEGMENTS):
        if not _list_item(text, words, start, lang):
            return None
        previous = clause(text, words, start - 1, 1)[0]
        # the first item may be a longer phrase ("pas d'un plan de sécurité, du 1712 ou ...")
        j = _negator_before(words, start - 1, lang, previous, LIST_HEAD_WINDOW)
        if j is not None:
            return None if j == _CANCELLED else j
        start = previous  # an earlier item of the same list: look further back
    return None


def find_negation(text: str, words: Words, i: int, n: int, lang: str) -> tuple[int, int] | None:
    """The words (first, last) of a negation governing the match ``i .. i + n - 1``, or None.

    The nearest negator before the match in its clause (at most ``NEGATION_WINDOW`` words
    back) governs it, unless that negator is itself negated by an earlier one in the clause;
    else, in an enumeration, the negation of the segment before its first comma; otherwise
    an adverbial negator at most ``TRAILING_WINDOW`` words after the match.
    """
    start, end = clause(text, words, i, n)
    j = _negator_before(words, i, lang, start)
    if j is None:
        j = _list_negation(text, words, start, lang)
    if j is not None:
        return None if j == _CANCELLED else (j, i + n - 1)
    for j in range(i + n, min(end, i + n + TRAILING_WINDOW)):
        if words[j][0] in _COORDINATORS:
            break  # "onjuiste en niet nagegane": the negation belongs to what follows
        if words[j][0] in _TRAILING_NEGATORS:
            return i, j
    return None
