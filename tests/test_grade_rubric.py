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


# --- issue 9, item 21: cues that rewarded wrong answers, clause-scoped and per-language negation

def _open_question(relpath: str) -> dict:
    from casuslab.scenario.load import load_scenario
    from casuslab.scenario.spec import to_spec

    spec = to_spec(load_scenario(ROOT / "scenarios" / relpath).model)
    return next(q for st in spec["stages"] for q in st.get("questions") or [] if q["type"] == "open")


def test_making_a_plan_for_noah_does_not_earn_the_risk_criterion():
    question = _open_question("behoefteanalyse/noah-zetel-bij-vrienden.yaml")
    wrong = suggest(question, "Ik maak een plan voor hem. Met de middelen van het OCMW zoeken we een kamer.")
    assert wrong["risico"].level == 0 and wrong["risico"].hits == 0
    right = suggest(question, "Ik vraag of hij een plan heeft en of hij middelen heeft, en geef hem 1813.")
    assert right["risico"].hits == 3


def test_saying_aziz_is_a_client_does_not_earn_the_confidentiality_criterion():
    question = _open_question("ethiek/ine-en-de-grenzen.yaml")
    wrong = suggest(question, "Tegen tante Linda zeg ik dat Aziz cliënt is bij ons.")["vertrouwelijkheid"]
    assert wrong.level == 0
    right = suggest(question, "Tegen tante Linda bevestig noch ontken ik iets: dat is vertrouwelijk.")["vertrouwelijkheid"]
    assert right.level == right.top


@pytest.mark.parametrize("cue, text", [
    ("nood*", "Het is noodzakelijk dat ze blijft."),
    ("nood*", "Er is geen noodzaak."),
    ("belang*", "Het is belangrijk dat ze werk vindt."),
    ("belang*", "Dat is het belangrijkste."),
    ("betrek*", "Met betrekking tot de woning: niets."),
    ("smart*", "Ze heeft een smartphone."),
])
def test_wildcards_do_not_reach_common_words(cue, text):
    assert match_cue(cue, text).matched is None


@pytest.mark.parametrize("cue, text, found", [
    ("nood*", "In een noodsituatie bel je 112.", "noodsituatie"),
    ("belang*", "Het belang van het kind telt.", "belang"),
    ("belang*", "De belangen van Amadou.", "belangen"),
    ("noodzakelijk*", "Alleen wat noodzakelijk is.", "noodzakelijk"),   # the cue names the word itself
    ("alleen wat", "Ik vertel alles wat ik weet.", None),                # alles is not a form of alleen
])
def test_wildcards_still_reach_their_own_words(cue, text, found):
    assert match_cue(cue, text).matched == found


@pytest.mark.parametrize("cue, text, negated", [
    ("politie", "De politie bel ik niet.", "politie bel ik niet"),             # a trailing niet
    ("nota", "Een nota is niet nodig.", "nota is niet"),
    ("noteer*", "In het dossier noteer ik niets.", "noteer ik niets"),
    ("politie", "Ik bel niet meteen de\npolitie.", "niet meteen de\npolitie"),  # a wrapped line is one clause
    ("toestemming", "Met niemand deel ik toestemming.", "niemand deel ik toestemming"),
    ("school", "Ik bel niet de politie en niet de school.", "niet de school"),  # two negations, no double one
    ("een plan heeft", "Ik vraag niet of hij een plan heeft.", "niet of hij een plan heeft"),  # 'of': whether
])
def test_negation_across_the_clause(cue, text, negated):
    m = match_cue(cue, text)
    assert not m.hit and m.negated == negated


@pytest.mark.parametrize("cue, text", [
    ("toestemming", "Ik deel niets met zijn ouders zonder zijn toestemming."),   # double negation, far apart
    ("toestemming", "Met niemand neem ik contact op zonder haar toestemming."),
    ("onjuist*", "Het was onjuiste en niet nagegane informatie."),          # niet belongs to 'nagegane'
    ("toestemming", "Ik vraag toestemming, niet achteraf."),                  # the comma ends the clause
    ("toestemming", "Ik bel niet de school\n\ntoestemming vraag ik eerst."),  # a blank line ends it too
    ("procureur", "Ik licht de procureur pas in als het gevaar dreigt."),     # 'pas' is no Dutch negator
    ("geen getuigenis", "Een vraag van de politie is geen getuigenis."),     # the cue holds the negator
    ("toestemming", "Ze wil niet en ik vraag toestemming."),                 # 'en ik': a new clause
])
def test_clause_scope_exceptions(cue, text):
    assert match_cue(cue, text).hit


@pytest.mark.parametrize("cue, text, hit", [
    ("112", "Je n'appelle pas le 112.", False),
    ("consentement", "Je ne demande jamais son consentement.", False),
    ("consentement", "Je ne partage rien sans son consentement.", True),      # rien ... sans
    ("consentement", "Je partage sans consentement.", False),
    ("consentement", "Je ne demande plus le consentement.", False),           # ne ... plus
    ("securite", "Il faut plus de sécurité pour Ilyas.", True),               # plus without ne: more
    ("procureur", "Un droit, pas une obligation, et le procureur du Roi.", True),
    ("ocmw", "Je l'oriente vers l'OCMW.", True),                              # elision split off
    ("consent", "I don't ask for her consent.", False),
    ("consent", "I will not share anything without her consent.", True),
    ("police", "I never call the police.", False),
    ("police", "I call the police, but not the school.", True),
    ("consent", "She gets no consent from the school.", False),
    ("son choix", "Katrien ne veut pas et c'est son choix.", True),               # 'et' opens a new clause
    ("consent", "I do not and I ask consent.", True),
])
def test_french_and_english_negation(cue, text, hit):
    assert match_cue(cue, text).hit is hit


@pytest.mark.parametrize("text, lang", [
    ("Ik vraag haar toestemming voor ik de school bel.", "nl"),
    ("Je ne partage rien sans le consentement de la cliente.", "fr"),
    ("I ask for her consent before I call the school.", "en"),
    ("", "nl"),
])
def test_guess_language(text, lang):
    assert rubric.guess_language(rubric.tokens(text)) == lang


# --- issue 9, item 21 (second round): a negation reaches every item of an enumeration

@pytest.mark.parametrize("cue, text, negated", [
    ("plan", "Ik vraag niet naar gedachten, een plan of middelen.", "niet naar gedachten, een plan"),
    ("middelen", "Ik vraag niet naar gedachten, een plan of middelen.", "niet naar gedachten, een plan of middelen"),
    ("middelen", "Ik vraag niet naar zijn gedachten, plannen, middelen en steun.",
     "niet naar zijn gedachten, plannen, middelen"),                          # a longer list
    ("een plan heeft", "Ik vraag niet naar zijn gedachten, of hij een plan heeft.",
     "niet naar zijn gedachten, of hij een plan heeft"),                      # 'of' + subject: whether
    ("moyens", "Je ne parle pas de suicide, d'un plan ou de moyens.", "pas de suicide, d'un plan ou de moyens"),
    ("police", "Je ne parle pas d'un plan de sécurité, du 1712 ou de la police.",
     "pas d'un plan de sécurité, du 1712 ou de la police"),                   # a longer first item
    ("plan", "I don't ask about his thoughts, or whether he has a plan.",
     "don't ask about his thoughts, or whether he has a plan"),              # serial comma, complement clause
    ("means", "I don't ask about his thoughts, a plan, or the means.",
     "don't ask about his thoughts, a plan, or the means"),
])
def test_negation_continues_across_the_commas_of_an_enumeration(cue, text, negated):
    m = match_cue(cue, text)
    assert not m.hit and m.negated == negated


@pytest.mark.parametrize("cue, text", [
    ("school", "Ik bel niet de politie, ik bel de school en de ouders."),     # a new clause: subject + verb
    ("school", "Ik bel niet de politie, dan bel ik de school of het CLB."),   # inverted: verb + subject
    ("school", "Niet de politie, eerst de school en het CLB."),               # a contrast, not a list
    ("school", "Ik bel niet de politie, de school."),                         # no closing 'of'/'en': a correction
    ("school", "Ik bel niet de politie, en ik bel de school."),               # Dutch: a comma before 'en' starts a clause
    ("school", "Ik bel niet de politie, die komt toch, en de school."),       # a relative clause ends the list
    ("school", "Ik bel niet de politie; de school of het CLB wel."),          # a semicolon ends it
    ("ecole", "Je n'appelle pas la police, j'appelle l'école ou le CLB."),
    ("school", "I don't call the police, I call the school and the CLB."),
    ("school", "I don't call the police, rather the school or the CLB."),
    ("toestemming", "Ik deel niets zonder zijn akkoord, zijn toestemming of die van zijn vader."),  # double negation
])
def test_a_new_clause_after_the_comma_ends_the_negation(cue, text):
    assert match_cue(cue, text).hit


def test_asking_about_nothing_in_a_list_does_not_earn_the_risk_criterion():
    question = _open_question("behoefteanalyse/noah-zetel-bij-vrienden.yaml")
    wrong = suggest(question, "Ik vraag niet naar gedachten, een plan of middelen: dat is te zwaar voor hem.")
    assert wrong["risico"].level == 0 and wrong["risico"].hits == 0
    right = suggest(question, "Ik vraag naar gedachten, een plan of middelen en geef hem 1813.")
    assert right["risico"].level == right["risico"].top
