"""The rubric pre-scorer: Dutch matching (case, accents, wildcard, stemming, 458 bis, negation)
and every scenario's model answer reaching the top level of its own rubric."""

from __future__ import annotations

from pathlib import Path

import pytest

from casuslab import rubric
from casuslab.rubric import match_cue, stem_match, suggest, suggest_criterion

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "tests" / "data" / "politie-aan-de-lijn.yaml"


@pytest.mark.parametrize("cue, text, found", [
    ("beroepsgeheim", "Het BEROEPSGEHEIM geldt.", "BEROEPSGEHEIM"),          # case
    ("client", "De cliënt weet het.", "cliënt"),                               # accents in the text
    ("cliënt", "De client weet het.", "client"),                               # accents in the cue
    ("meld*", "Ze meldde het aan de leiding.", "meldde"),                      # wildcard
    ("getuig*", "als getuige voor de rechter", "getuige"),
    ("zwijgplicht|beroepsgeheim", "haar beroepsgeheim", "beroepsgeheim"),     # alternatives
    ("mag zwijgen", "Ze mag  zwijgen.", "mag  zwijgen"),                      # phrases, any spacing
])
def test_basic_matching(cue, text, found):
    assert match_cue(cue, text).matched == found


@pytest.mark.parametrize("cue, text", [
    ("geheim", "beroepsgeheim"),          # whole words only
    ("meld", "melding"),                  # no wildcard, not an inflection
    ("458", "art. 458bis Sw."),           # contract: 458 does not match 458bis
    ("458", "art. 458 bis Sw."),          # ... nor 458 bis written apart
    ("458", "art. 458-bis Sw."),
    ("wet", "Ze wil het weten."),         # weten is not the plural of wet
])
def test_no_match(cue, text):
    assert match_cue(cue, text).matched is None


@pytest.mark.parametrize("cue_word, word", [
    ("toestemming", "toestemmingen"),     # plural -en
    ("regel", "regels"),                  # plural -s
    ("ocmw", "ocmw's"),                   # plural 's
    ("kind", "kinderen"),                 # plural -eren
    ("brief", "brieven"),                 # v/f
    ("huis", "huizen"),                   # z/s
    ("kind", "kindje"),                   # diminutive -je
    ("verhaal", "verhaaltje"),            # diminutive -tje
    ("man", "mannetje"),                  # diminutive -etje
    ("melden", "meldt"),                  # verb ending -t
    ("melden", "meldde"),                 # past -de
    ("werken", "werkte"),                 # past -te
    ("werken", "werkten"),                # past plural -ten
    ("melden", "gemeld"),                 # participle
    ("praten", "praat"),                  # vowel lengthening
    ("zeggen", "zegt"),                   # consonant doubling
    ("wet", "wetten"),
    ("recht", "rechten"),
])
def test_stemming(cue_word, word):
    assert stem_match(rubric.fold(cue_word), rubric.fold(word))
    assert match_cue(cue_word, f"Zo staat het: {word}.").matched == word


@pytest.mark.parametrize("cue, text", [
    ("458bis", "art. 458 bis Sw."),
    ("458bis", "art. 458-bis"),
    ("458 bis", "art. 458bis"),
    ("458bis", "art. 458bis"),
    ("458ter", "artikel 458 ter"),
])
def test_article_suffix_spelling(cue, text):
    assert match_cue(cue, text).matched is not None


@pytest.mark.parametrize("cue, text, negated", [
    ("melden", "Ze mag het niet melden.", "niet melden"),
    ("toestemming", "Er is geen toestemming gevraagd.", "geen toestemming"),
    ("toestemming", "Ze belt zonder toestemming de school.", "zonder toestemming"),
    ("toestemming", "Ze belt zonder de toestemming van de cliënt.", "zonder de toestemming"),
    ("zwijgrecht", "Ze heeft nooit zwijgrecht.", "nooit zwijgrecht"),
])
def test_negation_is_reported_and_does_not_count(cue, text, negated):
    m = match_cue(cue, text)
    assert m.matched is None and not m.hit
    assert m.negated == negated


@pytest.mark.parametrize("cue, text", [
    ("geen toestemming", "Er is geen toestemming."),          # the cue carries the negation
    ("niet verplicht", "Ze is niet verplicht te spreken."),
    ("toestemming", "Ze handelt niet zonder toestemming."),   # a negated negation
    ("toestemming", "Niet melden. Toestemming vragen."),      # another sentence
    ("toestemming", "niet de politie bellen, maar toestemming vragen"),
    ("toestemming", "Niet de politie maar toestemming"),      # 'maar' ends the clause
    ("toestemming", "Ze vraagt niet meteen de buren en hun vrienden om toestemming"),  # too far back
])
def test_negation_exceptions(cue, text):
    assert match_cue(cue, text).hit


def test_unnegated_occurrence_later_counts():
    m = match_cue("zwijgrecht", "Ze heeft geen zwijgrecht, zegt de politie; ze heeft wel zwijgrecht.")
    assert m.hit and m.span is not None and m.matched == "zwijgrecht"
    assert m.span[0] > 30


def test_negated_match_lowers_the_level():
    criterion = {"id": "t", "criterion": "toestemming", "levels": {0: "geen", 1: "vraagt toestemming"},
                 "evidence": ["toestemming"]}
    assert suggest_criterion(criterion, "Ze vraagt eerst toestemming.").level == 1
    s = suggest_criterion(criterion, "Ze belt zonder toestemming.")
    assert s.level == 0 and s.matches[0].negated == "zonder toestemming"


def test_suggest_levels_and_evidence():
    question = {"rubric": [
        {"id": "a", "criterion": "x", "levels": {0: "", 1: "", 2: ""}, "evidence": ["zwijgrecht", "getuig*"]},
        {"id": "b", "criterion": "y", "levels": {0: "", 1: ""}, "evidence": ["458|352"]},
        {"id": "c", "criterion": "z", "levels": {0: "", 1: ""}},
    ]}
    s = suggest(question, "Als getuige heeft ze zwijgrecht (art. 458 Sw.).")
    assert (s["a"].level, s["a"].top, s["a"].hits) == (2, 2, 2)
    assert s["b"].level == 1 and s["b"].matches[0].matched == "458"
    assert s["c"].level is None
    assert suggest(question, "")["a"].level == 0
    assert suggest(question, None)["a"].level == 0


def _scenario_files() -> list[Path]:
    files = [EXAMPLE]
    files += sorted(p for p in (ROOT / "scenarios").rglob("*.yaml") if p.name != "references.yaml")
    return files


@pytest.mark.parametrize("path", _scenario_files(), ids=lambda p: p.stem)
def test_model_answer_reaches_top_level(path):
    from casuslab.scenario.load import load_scenario
    from casuslab.scenario.spec import to_spec

    loaded = load_scenario(path)
    if loaded.model is None:
        pytest.skip(f"{path.name} does not load (the linter reports why)")
    spec = to_spec(loaded.model)
    short = []
    for stage in spec["stages"]:
        for q in stage.get("questions") or []:
            if q["type"] != "open" or not q.get("model_answer"):
                continue
            for cid, s in suggest(q, q["model_answer"]).items():
                if s.level is not None and s.level != s.top:
                    missing = [m.cue + (f" (ontkend: {m.negated})" if m.negated else "") for m in s.matches if not m.hit]
                    short.append(f"{q['id']}/{cid}: {s.level} of {s.top}; not found: {missing}")
    assert not short, f"{path.name}: model answer below the top level:\n" + "\n".join(short)
