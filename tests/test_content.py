"""Content checks on every scenario and primer under ``scenarios/``.

1. **Flemish terms.** No Dutch-Netherlands institutions or benefits that do not exist in
   Flanders (see ``FORBIDDEN`` for each term, why it is wrong, and what to write instead).
2. **Renumbered articles.** Every sentence that cites art. 458, 458bis, 458ter, 458quater or
   422bis of the 1867 Strafwetboek also gives the number in the new Strafwetboek (352, 353,
   353, 353, 299) in the same sentence, e.g. "art. 458 Sw. (nieuw Strafwetboek: art. 352)".

3. **Corrected facts** (issue 9): the GDPR answer term and its extension, a request of the
   parket does not lift secrecy, art. 442quater/425/426 with a word on their new number,
   risk scales without actions and 101 for the police, secrecy depends on the function.
4. **Option length**: the key of a single question is rarely its longest option, and never by
   far (lint CL304).

Checked: every string value of every ``scenarios/**/*.yaml`` (texts, prompts, options,
feedback, consequences, rubric levels, model answers), except the reference catalogue
(``references.yaml``, which pairs the numbers through ``replaced_by``) and ``evidence`` cues
(search patterns for the pre-scorer, never shown to students as text). YAML comments are not
checked. Each failure names the file, the place in the file and the offending sentence.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = REPO / "scenarios"
CATALOGUE_NAMES = {"references.yaml", "references.yml"}
# keys whose values are identifiers or patterns, not prose
SKIP_KEYS = {"evidence", "id", "next", "format", "theme", "language", "references"}

# --- 1. Forbidden Dutch-Netherlands terms --------------------------------------------------
#
# term (regex) -> (why it is wrong in a Flemish course, what to use instead)
# Deliberately NOT forbidden, because they are correct in Flanders or cited on purpose:
# - "Zorg- en Veiligheidshuis": a Flemish term too, so not a Netherlands-only word;
# - "bijstand": Flemish in "juridische bijstand" (Bureau voor Juridische Bijstand);
# - "jeugdzorg", "gemeente", "huisarts", "wijkagent": used in both countries;
# - "Stappenplan BPSW/NVMW": the Dutch association's model, cited on purpose (brief §6);
# - "meldcode": also used for Flemish guidance, so too ambiguous to forbid.
FORBIDDEN: dict[str, tuple[re.Pattern, str]] = {
    "Veilig Thuis": (
        # the proper name (capital V and T); "zich veilig thuis voelen" is ordinary Dutch
        re.compile(r"\bVeilig\s+Thuis\b|\bVEILIG\s+THUIS\b"),
        "Nederlands meldpunt; in Vlaanderen: Vertrouwenscentrum Kindermishandeling (VK) of 1712",
    ),
    "bijstandsuitkering": (
        re.compile(r"\bbijstandsuitkering(en)?\b", re.IGNORECASE),
        "Nederlandse uitkering; in Vlaanderen: leefloon (OCMW, wet van 26 mei 2002)",
    ),
    "Participatiewet": (
        re.compile(r"\bparticipatiewet\b", re.IGNORECASE),
        "Nederlandse wet; in België: de leefloonwet (wet van 26 mei 2002)",
    ),
    "officier van justitie": (
        re.compile(r"\bofficier(en)?\s+van\s+justitie\b", re.IGNORECASE),
        "Nederlandse aanklager; in België: de procureur des Konings (het parket)",
    ),
    "kantonrechter": (
        re.compile(r"\bkantonrechter(s)?\b", re.IGNORECASE),
        "Nederlandse rechter; in België: de vrederechter",
    ),
    "Raad voor de Kinderbescherming": (
        re.compile(r"\braad\s+voor\s+de\s+kinderbescherming\b", re.IGNORECASE),
        "Nederlandse instelling; bestaat niet in Vlaanderen",
    ),
    "Centrum voor Jeugd en Gezin": (
        re.compile(r"\bcentr(um|a)\s+voor\s+jeugd\s+en\s+gezin\b", re.IGNORECASE),
        "Nederlandse dienst; bestaat niet in Vlaanderen",
    ),
    "zorgverzekeraar": (
        re.compile(r"\bzorgverzekeraar(s)?\b", re.IGNORECASE),
        "Nederlands; in België: het ziekenfonds",
    ),
    "UWV": (
        re.compile(r"\bUWV\b"),
        "Nederlandse uitkeringsinstantie; in Vlaanderen: VDAB (werk) of de RVA (werkloosheid)",
    ),
    "burgerservicenummer": (
        re.compile(r"\bburgerservicenummer\b|\bBSN\b", re.IGNORECASE),
        "Nederlands; in België: het rijksregisternummer",
    ),
    "Wmo": (
        re.compile(r"\bWmo\b|\bwet\s+maatschappelijke\s+ondersteuning\b", re.IGNORECASE),
        "Nederlandse wet; bestaat niet in België",
    ),
}

# --- 2. Renumbered articles ----------------------------------------------------------------

_SUFFIX = r"\s*-?\s*"
CITATIONS: list[tuple[str, re.Pattern, re.Pattern, str]] = [
    # (old, pattern of the old number, pattern of the new number, the new number)
    ("art. 458bis", re.compile(rf"\b458{_SUFFIX}bis\b", re.IGNORECASE), re.compile(r"\b353\b"), "353 §1"),
    ("art. 458ter", re.compile(rf"\b458{_SUFFIX}ter\b", re.IGNORECASE), re.compile(r"\b353\b"), "353 §2"),
    ("art. 458quater", re.compile(rf"\b458{_SUFFIX}quater\b", re.IGNORECASE), re.compile(r"\b353\b"), "353 §3"),
    (
        "art. 458",
        re.compile(rf"\b458\b(?!{_SUFFIX}(?:bis|ter|quater|quinquies)\b)", re.IGNORECASE),
        re.compile(r"\b352\b"),
        "352",
    ),
    ("art. 422bis", re.compile(rf"\b422{_SUFFIX}bis\b", re.IGNORECASE), re.compile(r"\b299\b"), "299"),
]

# Words that end with a period but never end a sentence ("art. 458", "o.a. de", "bv. een").
ABBREVIATIONS = frozenset(
    """
    art artt nr nrs bv bijv vb vgl cf o.a e.a e.d enz i.e e.g d.w.z m.a.w o.m resp ca
    p pp blz al par ger.w b.s dhr mevr mr dr prof st jr zgn z.g incl excl tel min max
    """.split()
)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_FENCE = re.compile(r"^\s*(```|~~~)")
# a candidate sentence end: . ! or ? (possibly repeated), optional closing quote/bracket, then space
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)")
_WORD_BEFORE = re.compile(r"([^\s(\[\"'“‘]+)$")
_STARTS_SENTENCE = re.compile(r"\s+[\"'“‘(\[*_]*[A-ZÀ-ÖØ-Þ]")


def _units(text: str) -> list[str]:
    """Markdown blocks that no sentence crosses: paragraphs, list items, table rows, code lines."""
    units: list[str] = []
    current: list[str] = []
    in_code = False

    def flush() -> None:
        if current:
            units.append(" ".join(line.strip() for line in current))
            current.clear()

    for line in text.splitlines():
        if _FENCE.match(line):
            flush()
            in_code = not in_code
            continue
        stripped = line.strip()
        if in_code:
            if stripped:
                units.append(stripped)
            continue
        if stripped.startswith(">"):
            stripped = stripped.lstrip("> ").strip()
            line = stripped
        if not stripped:
            flush()
        elif stripped.startswith("|") or _LIST_ITEM.match(line):
            flush()
            current.append(stripped)
            if stripped.startswith("|"):
                flush()
        else:
            current.append(stripped)
    flush()
    return units


def _is_sentence_end(unit: str, match: re.Match) -> bool:
    """Whether the punctuation at ``match`` ends a sentence (robust to "Sw.", "art.", "o.a.")."""
    if not _STARTS_SENTENCE.match(unit, match.end()):
        return False  # followed by lower case, a digit or "(": "art. 458", "Sw. (nieuw ..."
    if match.group().startswith("."):
        word = _WORD_BEFORE.search(unit, 0, match.start())
        if word:
            w = word.group(1).lower().rstrip(".")
            if w in ABBREVIATIONS or (len(w) == 1 and w.isalpha()):
                return False  # "art. Dit" does not happen; an initial: "A. Liégeois"
    return True


def sentences(text: str) -> list[str]:
    """Split Markdown text into sentences."""
    out: list[str] = []
    for unit in _units(text):
        start = 0
        for match in _END.finditer(unit):
            if _is_sentence_end(unit, match):
                out.append(unit[start:match.end()].strip())
                start = match.end()
        rest = unit[start:].strip()
        if rest:
            out.append(rest)
    return out


def prose(data, where: str = ""):
    """Every (place, string) in loaded YAML, skipping identifiers and evidence cues."""
    if isinstance(data, dict):
        for key, value in data.items():
            if str(key) in SKIP_KEYS:
                continue
            yield from prose(value, f"{where}.{key}" if where else str(key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            label = value.get("id") if isinstance(value, dict) and "id" in value else i
            yield from prose(value, f"{where}[{label}]")
    elif isinstance(data, str):
        yield where, data


def citation_problems(text: str) -> list[tuple[str, str]]:
    """(sentence, message) for each sentence citing an old number without its new one."""
    problems = []
    for sentence in sentences(text):
        for old, old_re, new_re, new in CITATIONS:
            if old_re.search(sentence) and not new_re.search(sentence):
                problems.append((sentence, f"{old} zonder het nieuwe nummer (art. {new})"))
    return problems


def term_problems(text: str) -> list[tuple[str, str]]:
    problems = []
    for sentence in sentences(text):
        for term, (pattern, why) in FORBIDDEN.items():
            if pattern.search(sentence):
                problems.append((sentence, f"verboden term {term!r}: {why}"))
    return problems


def check_file(path: Path, root: Path = REPO) -> list[str]:
    """All content problems of one scenario file, each as 'file: place: message: «sentence»'."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        shown = path.relative_to(root)
    except ValueError:
        shown = path
    out = []
    for where, text in prose(data):
        for sentence, message in term_problems(text) + citation_problems(text):
            out.append(f"{shown}: {where}: {message}: «{sentence}»")
    return out


def scenario_files(root: Path = SCENARIOS) -> list[Path]:
    files = [*root.rglob("*.yaml"), *root.rglob("*.yml")]
    return sorted(p for p in files if p.name not in CATALOGUE_NAMES)


# --- the checks on the course ----------------------------------------------------------------

FILES = scenario_files()


def test_there_are_scenarios():
    assert FILES, f"no scenario files under {SCENARIOS}"


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(SCENARIOS)) for p in FILES])
def test_scenario_content(path: Path):
    problems = check_file(path)
    assert not problems, "\n".join(problems)


# --- the checker itself ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Je schendt je beroepsgeheim (art. 458 Sw., nieuw Strafwetboek: art. 352).",
        "Art. 458bis Sw. (nieuw Strafwetboek: art. 353 §1) geeft een recht. Het is geen plicht.",
        "Art. 458 bis Sw. (nieuw: art. 353 §1) geeft een recht.",
        "Art. 458ter Sw. (nieuw Strafwetboek: art. 353 §2) laat delen toe in een casusoverleg.",
        "Bel 112: art. 422bis Sw. (nieuw Strafwetboek: art. 299) verplicht je te helpen.",
        "Het oude art.\n458 Sw. heet nu art. 352.",
        "Art. 352 van het nieuwe Strafwetboek volgt art. 458 Sw. op.",
        "- art. 458bis Sw. (nieuw: art. 353 §1): alleen aan de procureur",
        "| beroepsgeheim | art. 458 Sw. | art. 352 |",
        "Zie o.a. art. 458 Sw. en bv. art. 352 van het nieuwe wetboek.",
        "Het wetsartikel 4580 en de 1458 deelnemers tellen niet.",
    ],
)
def test_citation_accepted(text):
    assert citation_problems(text) == []


@pytest.mark.parametrize(
    "text, old",
    [
        ("Je schendt art. 458 Sw. Het nieuwe nummer is art. 352.", "art. 458"),
        ("Art. 458bis Sw. geeft een recht. Nieuw Strafwetboek: art. 353 §1.", "art. 458bis"),
        ("Volgens art. 458 bis Sw. mag je spreken.", "art. 458bis"),
        ("Volgens art. 458-ter Sw. mag je delen.", "art. 458ter"),
        ("Hulp halen moet (art. 422bis Sw.).", "art. 422bis"),
        ("Art. 458bis Sw. (nieuw: art. 352) geeft een recht.", "art. 458bis"),
        ("Dat staat in art. 458 Sw.! Ken je art. 352?", "art. 458"),
    ],
)
def test_citation_rejected(text, old):
    problems = citation_problems(text)
    assert problems and old in problems[0][1], problems


def test_sentences_survive_abbreviations():
    text = (
        "Art. 458 Sw. (nieuw Strafwetboek: art. 352) is de regel. Zie o.a. de omzendbrief "
        "COL 4/2018. Het model van A. Liégeois helpt. Bel 112!"
    )
    assert sentences(text) == [
        "Art. 458 Sw. (nieuw Strafwetboek: art. 352) is de regel.",
        "Zie o.a. de omzendbrief COL 4/2018.",
        "Het model van A. Liégeois helpt.",
        "Bel 112!",
    ]


def test_sentences_split_markdown_blocks():
    text = "Een zin zonder punt\n\n- een item\n- nog een item\n\n| a | b |\n|---|---|\n```\nlijn een\nlijn twee\n```\n"
    assert sentences(text) == ["Een zin zonder punt", "- een item", "- nog een item", "| a | b |", "|---|---|", "lijn een", "lijn twee"]


def test_terms():
    assert term_problems("Meld het bij Veilig Thuis.")
    assert term_problems("Hij krijgt een bijstandsuitkering.")
    assert term_problems("De officier van justitie beslist.")
    assert term_problems("Vraag raad aan het UWV.")
    assert term_problems("Hij belde VEILIG THUIS.")
    assert not term_problems("Het Bureau voor Juridische Bijstand wijst een pro-Deoadvocaat toe.")
    assert not term_problems("Het Zorg- en Veiligheidshuis organiseert het overleg.")
    # ordinary words, not the Dutch service
    assert not term_problems("Ze wil zich weer veilig thuis voelen.")


def test_check_file_reports_file_place_and_sentence(tmp_path):
    scenario = tmp_path / "scenarios" / "beroepsgeheim" / "fout.yaml"
    scenario.parent.mkdir(parents=True)
    scenario.write_text(
        "format: casuslab/scenario-v1\n"
        "id: fout\n"
        "stages:\n"
        "  - id: een\n"
        "    text: |\n"
        "      Art. 458bis Sw. (nieuw Strafwetboek: art. 353 §1) is goed.\n"
        "      Maar art. 458 Sw. alleen is fout. Meld het bij Veilig Thuis.\n"
        "    questions:\n"
        "      - id: q\n"
        "        type: open\n"
        "        rubric:\n"
        "          - id: c\n"
        "            evidence: ['458|352', '458 bis']\n",
        encoding="utf-8",
    )
    problems = check_file(scenario, root=tmp_path)
    assert len(problems) == 2, problems
    assert all(p.startswith("scenarios/beroepsgeheim/fout.yaml: stages[een].text: ") for p in problems)
    assert any("«Maar art. 458 Sw. alleen is fout.»" in p and "art. 352" in p for p in problems)
    assert any("Veilig Thuis" in p for p in problems)


def test_catalogue_is_not_checked_as_scenario(tmp_path):
    (tmp_path / "references.yaml").write_text("sw-458:\n  label: art. 458 Sw.\n", encoding="utf-8")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.yaml").write_text("id: x\n", encoding="utf-8")
    assert [p.name for p in scenario_files(tmp_path)] == ["x.yaml"]


# --- facts that were stated wrongly once (issue 9, items 14-18) ------------------------------
#
# Each check takes the scenarios folder and returns its problems, so it can also be run on an
# older copy of the course. The facts: ../shared/domain/brief.md.


def _load(root: Path, name: str) -> dict:
    found = [p for p in [*root.rglob(f"{name}.yaml")] if p.is_file()]
    assert len(found) == 1, f"{name}.yaml: found {len(found)} times under {root}"
    return yaml.safe_load(found[0].read_text(encoding="utf-8"))


def _texts(data) -> list[str]:
    return [text for _, text in prose(data)]


def _option(data: dict, qid: str, correct: bool = True) -> list[dict]:
    return [o for s in data["stages"] for q in s.get("questions", []) if q["id"] == qid
            for o in q.get("options", []) if bool(o.get("correct")) == correct]


def _catalogue(root: Path) -> dict:
    return yaml.safe_load((root / "references.yaml").read_text(encoding="utf-8"))


_EXTENSION = (re.compile(r"\btwee maanden\b"), re.compile(r"\beerste maand\b"), re.compile(r"\breden"))


def gdpr_term_problems(root: Path) -> list[str]:
    """Art. 12(3) AVG: one month; two more months only with reasons given within the first month."""
    def states_extension(texts: list[str]) -> bool:
        return any(all(p.search(s) for p in _EXTENSION) for t in texts for s in sentences(t))

    gilbert = _load(root, "het-dossier-van-gilbert")
    rubric = [c for s in gilbert["stages"] for q in s.get("questions", []) for c in q.get("rubric", [])
              if c["id"] == "rechten"]
    places = {
        "het-dossier-van-gilbert (feedback and objectives)": _texts(gilbert),
        "het-dossier-van-gilbert rubric 'rechten' (the cap)": [str(v) for c in rubric for v in c["levels"].values()],
        "primer-beroepsgeheim": _texts(_load(root, "primer-beroepsgeheim")),
        "references.yaml avg-12": [_catalogue(root)["avg-12"]["summary"]],
    }
    return [f"{where}: no sentence states the two-month extension with reasons within the first month"
            for where, texts in places.items() if not states_extension(texts)]


_VIA_PARKET = re.compile(r"\b(loopt|verloopt|gaat)\s+via\s+het\s+parket\b|\bverw[eij]+\w*\s+[^.]*\bnaar\s+het\s+parket\b",
                         re.IGNORECASE)
_NOT_LIFTED = re.compile(r"\b(parket|procureur)\b.*\b(heft|opheffen|veranderen)\b", re.IGNORECASE)


def parket_problems(root: Path) -> list[str]:
    """A request of the parket does not lift secrecy; art. 46bis/1 Sv. does not reach a CAW."""
    out = [f"{p.name}: «{s}» sends a request on via the parket as if that lifted secrecy"
           for p in scenario_files(root) for t in _texts(yaml.safe_load(p.read_text(encoding="utf-8")))
           for s in sentences(t) if _VIA_PARKET.search(s)]
    for name in ("het-volledige-dossier", "inspecteur-aan-het-onthaal", "primer-beroepsgeheim"):
        if not any(_NOT_LIFTED.search(s) for t in _texts(_load(root, name)) for s in sentences(t)):
            out.append(f"{name}: no sentence says that a request of the parket does not lift secrecy")
    for p in scenario_files(root):
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
        if "CAW" in str(data.get("setting", "")):
            out += [f"{p.name}: «{t[:80]}…» cites art. 46bis/1 Sv. in a CAW case without saying it does not apply "
                    "to a CAW" for t in _texts(data) if "46bis/1" in t and "CAW" not in t]
    return out


_RENUMBERED_UNKNOWN = re.compile(r"\b(442\s*quater|425|426)\b", re.IGNORECASE)
_NEW_CODE = re.compile(r"\bnieuwe?\s+Strafwetboek\b")


def new_code_problems(root: Path) -> list[str]:
    """Art. 442quater, 425 and 426 Sw. always come with (a word on) their new-code number; Rosa's
    case says that withholding care needs someone who withholds it on purpose."""
    texts = [(p.name, t) for p in scenario_files(root) for t in _texts(yaml.safe_load(p.read_text(encoding="utf-8")))]
    texts += [("references.yaml", e.get("summary", "")) for e in _catalogue(root).values()]
    out = [f"{name}: «{s}» cites art. {m.group(1)} Sw. without a word on its number in the new code"
           for name, t in texts for s in sentences(t) if re.search(r"\bart|Sw\.", s)
           for m in _RENUMBERED_UNKNOWN.finditer(s) if not _NEW_CODE.search(s, m.end(), m.end() + 70)]
    rosa = _load(root, "rosa-wil-thuis-blijven")
    if not any("opzettelijk" in o["text"] for o in _option(rosa, "kader") if "458bis" in o["text"]):
        out.append("rosa: the correct 458bis option on withholding food or care does not say 'opzettelijk'")
    if not any("zelfverwaarlozing" in t for t in _texts(rosa)):
        out.append("rosa: nowhere says that self-neglect (zelfverwaarlozing) is not covered")
    return out


_ACTION = re.compile(r"\b(bel\w*|afspra\w*|opvolg\w*|meld\w*|contacte\w*|verwijs\w*|inlicht\w*)\b|\b1\d{2,3}\b",
                     re.IGNORECASE)


def emergency_problems(root: Path) -> list[str]:
    """Risk scales rate risk only; an unreachable client after a farewell message: 112 or the police (101)."""
    out = []
    for p in scenario_files(root):
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
        for s in data.get("stages", []) or []:
            for q in s.get("questions", []):
                if q.get("type") == "scale" and re.search(r"gevaar|risico", q.get("prompt", "")):
                    out += [f"{p.name}: {q['id']}: label {k} «{v}» prescribes an action"
                            for k, v in q.get("labels", {}).items() if _ACTION.search(str(v))]
        out += [f"{p.name}: «{t[:80]}…» gives the police another number than 101"
                for t in _texts(data) if re.search(r"\bpolitie\s*\((?!101\))\d+\)", t)]
    for name, qid in (("noah-zetel-bij-vrienden", "reactie-sms"), ("whatsapp-in-het-team", "noodsignaal")):
        data = _load(root, name)
        key = " ".join(o["text"] + " " + o["feedback"] for o in _option(data, qid))
        if not (re.search(r"\b101\b", key) and re.search(r"\b112\b", key) and "afscheid" in key):
            out.append(f"{name}: {qid}: the key does not say 112 or the police (101) when a farewell message "
                       "goes unanswered")
    return out


def secrecy_scope_problems(root: Path) -> list[str]:
    """Who is bound depends on the function; an intern doing the tasks is treated as bound."""
    sweeping = re.compile(r"\bsocia(le|al)\s+werkers\s+vallen\s+onder\s+(deze|die|de)\s+open\s+categorie", re.I)
    texts = [(p.name, t) for p in scenario_files(root) for t in _texts(yaml.safe_load(p.read_text(encoding="utf-8")))]
    texts += [("references.yaml", e.get("summary", "")) for e in _catalogue(root).values()]
    out = [f"{name}: «{s}» is too broad: it depends on the function" for name, t in texts for s in sentences(t)
           if sweeping.search(s)]
    for where, text in (("references.yaml sw-458", _catalogue(root)["sw-458"]["summary"]),
                        ("primer-beroepsgeheim", " ".join(_texts(_load(root, "primer-beroepsgeheim"))))):
        if "functie" not in text:
            out.append(f"{where}: does not say that it depends on the function")
    ine = _texts(_load(root, "ine-en-de-grenzen"))
    if not any(re.search(r"stagiair.*\btaken\b.*\bgeldt\b", s) for t in ine for s in sentences(t)):
        out.append("ine-en-de-grenzen: no sentence says that an intern doing the tasks is bound")
    return out


@pytest.mark.parametrize("check", [gdpr_term_problems, parket_problems, new_code_problems, emergency_problems,
                                   secrecy_scope_problems])
def test_corrected_facts(check):
    problems = check(SCENARIOS)
    assert not problems, "\n".join(problems)


# --- issue 9, item 19: the key must not give itself away by its length -------------------------


def single_questions(root: Path):
    for p in scenario_files(root):
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
        for s in data.get("stages", []) or []:
            for q in s.get("questions", []):
                if q.get("type") == "single":
                    yield p, q


def key_is_longest(question: dict) -> bool:
    lengths = [(len(" ".join(o["text"].split())), bool(o.get("correct"))) for o in question["options"]]
    key = max(n for n, correct in lengths if correct)
    return all(n < key for n, correct in lengths if not correct)


def test_key_is_the_longest_option_in_well_under_half_of_the_single_questions():
    found = list(single_questions(SCENARIOS))
    longest = [f"{p.name}: {q['id']}" for p, q in found if key_is_longest(q)]
    assert len(found) >= 40
    assert len(longest) / len(found) < 0.4, f"{len(longest)} of {len(found)}:\n" + "\n".join(longest)


def test_no_scenario_gives_its_key_away_by_length():
    from casuslab.lint.check import check_scenario

    hits = [p.line() for path in scenario_files(SCENARIOS) for p in check_scenario(path)[1] if p.code == "CL304"]
    assert not hits, "\n".join(hits)



def test_exam_criterion_names_give_no_key_away():
    """An exam ships each rubric criterion's name, not its levels: a name says what is judged,
    in a few words, and carries no explanation (that belongs in the levels, which stay hidden)."""
    plan = yaml.safe_load((REPO / "course" / "course.yaml").read_text(encoding="utf-8"))
    exam = {sid for a in plan["assignments"] if a["mode"] == "exam" for sid in a["scenarios"]}
    found = []
    for sid in sorted(exam):
        spec = _load(SCENARIOS, sid)
        for q in (q for stage in spec["stages"] for q in stage.get("questions") or []):
            for c in q.get("rubric", []):
                name = c["criterion"]
                if "(" in name or ";" in name or len(name.split()) > 16:
                    found.append((sid, c["id"], name))
    assert found == []
