"""CL303: a text that cites only the old number of a replaced legal provision.

Students must always see both numbers of a renumbered article (e.g. art. 458 Sw.
and art. 352 of the 2024 Criminal Code). Which numbers are old and new comes from
the catalogue: every entry with `replaced_by` gives the old number (from its
`label`) and the new one (from the label of the entry it names, and so on along
the chain). A citation counts when it reads like one: `art. 458`, `458 Sw.`,
`458bis`, `458 bis`. It is fine when the same sentence also names a new number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

from casuslab.i18n import _
from casuslab.lint.context import Report, as_dict, as_id, as_list, entries, questions, stages
from casuslab.scenario.yamlpos import PathKey

_SUFFIXES = "bis|ter|quater|quinquies|sexies|septies|octies|novies|decies"
CITATION = re.compile(rf"(?<![\w/])(\d+)(?:\s?({_SUFFIXES}))?(?:/(\d+))?(?![\w/])", re.IGNORECASE)
_ARTICLE_BEFORE = re.compile(r"\b(?:art|artt|arts|artikel|artikels|artikelen|article|articles)\.?\s*$", re.IGNORECASE)
_ABBREVIATIONS = {"art", "artt", "arts", "sw", "sv", "bw", "nr", "nrs", "bv", "vb", "cf", "zgn", "ca", "dr", "mr",
                  "mevr", "prof", "blz", "p", "pp", "al", "lid", "o.a", "e.g", "i.e", "enz", "resp", "ibid", "jo", "z"}
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)]*\s+(?=[A-ZÀ-Ý\"'“‘])")


def _normal(match: re.Match) -> str:
    digits, suffix, sub = match.group(1), match.group(2), match.group(3)
    return digits + (suffix or "").lower() + (f"/{sub}" if sub else "")


@dataclass(frozen=True)
class Replacement:
    old: str            # normalized old number, e.g. "458", "458bis"
    law: str            # the word after the number in the old label, e.g. "sw" (may be "")
    new: tuple[str, ...]  # the digits of every newer number, e.g. ("352",)
    old_label: str
    new_label: str


def replacements(catalogue: dict | None) -> list[Replacement]:
    """Old and new article numbers from the catalogue's `label` and `replaced_by` entries."""
    out = []
    for key, entry in as_dict(catalogue).items():
        entry = as_dict(entry)
        label = entry.get("label")
        target = as_id(entry.get("replaced_by"))
        if not isinstance(label, str) or target is None:
            continue
        match = CITATION.search(label)
        if match is None:
            continue
        law = re.match(r"\s*([A-Za-z]+)", label[match.end():])
        newer, labels, seen = [], [], {key}
        while target is not None and target not in seen and isinstance(as_dict(catalogue).get(target), dict):
            seen.add(target)
            new_label = as_dict(catalogue)[target].get("label")
            if isinstance(new_label, str) and (m := CITATION.search(new_label)):
                newer.append(m.group(1))
                labels.append(new_label)
            target = as_id(as_dict(catalogue)[target].get("replaced_by"))
        if newer:
            out.append(Replacement(_normal(match), law.group(1).lower() if law else "", tuple(newer),
                                   label, labels[0]))
    return out


def sentences(text: str) -> list[str]:
    """Split a Markdown text into paragraphs, list items and sentences (abbreviations like 'art.' kept)."""
    out = []
    for block in re.split(r"\n\s*\n|\n\s*(?=[-*+] |\d+[.)] )", text):
        start = 0
        for m in _SENTENCE_END.finditer(block):
            word = re.search(r"([\w.]+)$", block[:m.start()])
            if word and (word.group(1).lower() in _ABBREVIATIONS or (len(word.group(1)) == 1 and word.group(1).isalpha())):
                continue
            out.append(block[start:m.end()])
            start = m.end()
        out.append(block[start:])
    return [s for s in out if s.strip()]


def _is_citation(sentence: str, match: re.Match, law: str) -> bool:
    if match.group(2):
        return True
    if _ARTICLE_BEFORE.search(sentence[max(0, match.start() - 16):match.start()]):
        return True
    return bool(law) and re.match(rf"\s*{re.escape(law)}\b", sentence[match.end():], re.IGNORECASE) is not None


def old_only_citations(text: str, table: list[Replacement]) -> list[tuple[str, Replacement]]:
    """(cited text, replacement) for each old number cited in a sentence without a new number."""
    found, reported = [], set()
    by_old: dict[str, list[Replacement]] = {}
    for rep in table:
        by_old.setdefault(rep.old, []).append(rep)
    for sentence in sentences(text):
        for match in CITATION.finditer(sentence):
            for rep in by_old.get(_normal(match), []):
                if rep in reported or not _is_citation(sentence, match, rep.law):
                    continue
                if any(re.search(rf"(?<!\d){n}(?!\d)", sentence) for n in rep.new):
                    continue
                reported.add(rep)
                found.append((match.group(0), rep))
    return found


def text_fields(data: dict) -> Iterator[tuple[PathKey, Any]]:
    """Every text a student or trainer reads, with its position key."""
    for name in ("title", "setting"):
        yield (name,), data.get(name)
    for i, objective in enumerate(as_list(data.get("objectives"))):
        yield ("objectives", i), objective
    for skey, stage in stages(data):
        for name in ("title", "text"):
            yield skey + (name,), stage.get(name)
    for qkey, _stage, q in questions(data):
        for name in ("prompt", "model_answer"):
            yield qkey + (name,), q.get(name)
        for okey, option in entries(q, "options", qkey):
            for name in ("text", "feedback", "consequence"):
                yield okey + (name,), option.get(name)
        for ikey, item in entries(q, "items", qkey):
            yield ikey + ("text",), item.get("text")
        for ckey, criterion in entries(q, "rubric", qkey):
            yield ckey + ("criterion",), criterion.get("criterion")
            for level, descriptor in as_dict(criterion.get("levels")).items():
                yield ckey + ("levels", level), descriptor


def check_citations(data: dict, catalogue: dict | None, r: Report) -> None:
    table = replacements(catalogue)
    if not table:
        return
    for key, text in text_fields(data):
        if not isinstance(text, str):
            continue
        for cited, rep in old_only_citations(text, table):
            r.value(key, "CL303", _("'{cited}' cites only the old number: {old} was replaced by {new}; name both "
                                    "numbers in the same sentence (e.g. '{old}, new: {new}')").format(
                cited=cited, old=rep.old_label, new=rep.new_label))
