"""``casuslab new THEME ID``: a valid skeleton scenario with comments that explain every field."""

from __future__ import annotations

import re
from pathlib import Path

from casuslab.errors import InputError
from casuslab.i18n import _
from casuslab.scenario.model import SLUG_PATTERN, THEMES
from casuslab.scenario.schema import SCHEMA_COMMENT

TEMPLATE = """\
{schema_comment}
# Een casus voor casuslab (formaat casuslab/scenario-v1). Controleer met: casuslab lint {path}
# A casuslab case. Comments are Dutch, with the English field meaning after '/'.
# Tip: staat er ': ' in een tekst? Zet de tekst tussen aanhalingstekens, of schrijf hem na 'text: |'
# op de volgende regels (dat geldt voor elke tekst).

format: casuslab/scenario-v1   # altijd dit / always this literal
id: {id}   # = de bestandsnaam zonder .yaml / equals the file name
title: {title}   # titel voor de student / shown to students
theme: {theme}   # ethiek, beroepsgeheim of behoefteanalyse
language: nl   # nl, fr of en: taal van de teksten en knoppen / language of texts and widgets
level: 1   # bachelorjaar 1, 2 of 3 / the bachelor year it suits
minutes: 20   # verwachte werktijd in minuten / expected working time
objectives:   # leerdoelen, minstens één, getoond aan de student / learning objectives
  - Je herkent wat onder het beroepsgeheim valt.
setting: Sociale dienst van een OCMW; je bent er maatschappelijk assistent.   # waar de casus speelt / where it plays
references: []   # sleutels uit scenarios/references.yaml, bv. [sw-458, sw2024-352] / catalogue keys

stages:   # de fasen, in volgorde; een fase opent pas na het indienen van de vorige / the stages, in order
  - id: begin   # uniek in dit scenario / unique in this scenario
    title: Het eerste gesprek
    text: |   # het verhaal van deze fase (Markdown) / the vignette
      Schrijf hier het begin van de casus: wie, wat, waar.
    # next: slot   # optioneel: de fase die hierna volgt (anders de volgende in de lijst) / next stage
    questions:   # nul of meer vragen / zero or more questions
      - id: eerste-reactie   # uniek in het scenario / unique in the scenario
        type: single   # single, multiple, order, scale of open
        prompt: Wat doe je eerst?   # de vraag (Markdown) / the question
        points: 2   # punten voor een juist antwoord / points for a right answer
        options:   # single: 2 tot 8 opties, precies één juist / 2-8 options, exactly one correct
          - id: a
            text: De eerste mogelijkheid.
            correct: true
            feedback: Waarom deze keuze juist is (oefenmodus en feedback).
            consequence: Wat er in de casus gebeurt na deze keuze.   # optioneel / optional
            # next: slot   # optioneel: deze keuze leidt naar fase 'slot' (een vertakking). Elk pad
            #                 door de casus moet evenveel punten dragen. / a branch; every path equal points
          - id: b
            text: De tweede mogelijkheid.
            feedback: Waarom deze keuze niet juist is.
      # Andere vraagtypes / other question types:
      # - id: welke-regels
      #   type: multiple   # minstens één optie juist; scoring: partial (standaard) of all-or-nothing
      #   prompt: Welke uitspraken kloppen?
      #   points: 3
      #   options: [...]   # zoals hierboven, 2 tot 10 opties, zonder 'next'
      # - id: stappen
      #   type: order   # items in de JUISTE volgorde; de student ziet ze geschud; scoring: pairs of exact
      #   prompt: Zet de stappen in volgorde.
      #   points: 2
      #   items:
      #     - {{id: eerst, text: Wat eerst komt.}}
      #     - {{id: dan, text: Wat daarna komt.}}
      #     - {{id: laatst, text: Wat laatst komt.}}
      # - id: inschatting
      #   type: scale   # een waarde van min tot max; juist als ze in accept ligt
      #   prompt: Hoe dringend is dit?
      #   points: 1
      #   min: 1
      #   max: 5
      #   labels: {{1: niet dringend, 5: zeer dringend}}   # optioneel
      #   accept: [4, 5]
  - id: slot
    title: Afronding
    end: true   # het scenario eindigt na deze fase (dan geen 'next') / the scenario ends here
    text: |
      Schrijf hier hoe de casus afloopt.
    questions:
      - id: motivering
        type: open   # de student schrijft; geen 'points': die volgen uit de rubric / no points field
        prompt: Motiveer je aanpak.
        words: [50, 200]   # richtlengte [min, max] in woorden / guidance
        model_answer: |   # modelantwoord voor docent en oefenmodus / model answer
          Schrijf hier een modelantwoord.
        rubric:   # de criteria; punten = som van de hoogste niveaus / points = sum of top levels
          - id: kern
            criterion: Benoemt de kern van de zaak.
            levels:   # precies 0, 1, ..., k / exactly 0..k
              0: niet vermeld
              1: vermeld zonder uitleg
              2: vermeld en uitgelegd
            evidence:   # aanwijzingen voor de voorbeoordeling: alternatieven met '|', '*' = eender welk einde
              - beroepsgeheim|zwijgplicht
              - vertrouw*
"""


def skeleton(theme: str, ident: str, path: str) -> str:
    title = ident.replace("-", " ").capitalize()
    return TEMPLATE.format(schema_comment=SCHEMA_COMMENT, theme=theme, id=ident, title=title, path=path)


def run_new(theme: str, ident: str, scenarios: Path | None = None) -> int:
    folder = Path(scenarios) if scenarios is not None else Path("scenarios")
    if theme not in THEMES:
        raise InputError(_("unknown theme '{theme}': choose one of {themes}").format(theme=theme, themes=", ".join(THEMES)))
    if not re.fullmatch(SLUG_PATTERN, ident):
        raise InputError(_("'{id}' is not a valid id: use lowercase letters, digits and '-', starting with a "
                           "letter or digit (at most 63), e.g. 'politie-aan-de-lijn'").format(id=ident))
    if not folder.is_dir():
        raise InputError(_("the folder {folder} does not exist: run this in the course's top folder "
                           "(the one with scenarios/), or give --scenarios").format(folder=folder))
    existing = sorted(folder.rglob(f"{ident}.yaml"))
    target = folder / theme / f"{ident}.yaml"
    if target.exists() or existing:
        raise InputError(_("{path} already exists; casuslab new never overwrites a file: choose another "
                           "id").format(path=existing[0] if existing else target))
    target.parent.mkdir(exist_ok=True)
    with open(target, "x", encoding="utf-8") as out:  # "x": never overwrite, even in a race
        out.write(skeleton(theme, ident, target.as_posix()))
    print(_("wrote {path}; check it with: casuslab lint {path}").format(path=target.as_posix()))
    return 0
