"""pydantic models of scenario format v1, the reference catalogue and the course plan.

These models check shape and types only (``extra="forbid"``, strict types). The
rules that span several fields (ids unique, branches, equal points per path, ...)
are lint rules in ``casuslab.lint`` (``rules_*.py``), which report each with its own code.
The descriptions are Dutch: they are what a trainer sees in an editor (the JSON Schema,
``casuslab schema``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, RootModel, StringConstraints, WithJsonSchema

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
SCENARIO_FORMAT = "casuslab/scenario-v1"
COURSE_FORMAT = "casuslab/course-v1"
THEMES = ("ethiek", "beroepsgeheim", "behoefteanalyse")
LANGUAGES = ("nl", "fr", "en")


def _int_to_str(value):
    # YAML reads `id: 1` as an integer; an unambiguous slug, so accept it as text.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


Slug = Annotated[
    str,
    BeforeValidator(_int_to_str),
    StringConstraints(pattern=SLUG_PATTERN),
    # the schema for editors: the pattern (pydantic drops it behind the BeforeValidator); a number is fine too
    WithJsonSchema({"type": ["string", "integer"], "pattern": SLUG_PATTERN, "minimum": 0}),
]
SLUG_HELP = "kleine letters, cijfers en '-'"
Text = Annotated[str, StringConstraints(min_length=1)]
Points = Annotated[float, Field(gt=0)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Option(Model):
    """Een antwoordmogelijkheid (an option of a single or multiple question)."""

    id: Slug = Field(description=f"Id van de optie, uniek binnen de vraag ({SLUG_HELP}); vaak a, b, c.")
    text: Text = Field(description="Wat de student ziet als keuze.")
    correct: bool = Field(False, description="true voor een juiste optie (single: precies één; multiple: minstens één).")
    feedback: str | None = Field(None, description="Waarom deze keuze (niet) juist is; getoond in oefenmodus en in de feedback.")
    consequence: str | None = Field(None, description="Verhaal: wat er in de casus gebeurt na deze keuze.")


class SingleOption(Option):
    """Een optie van een single-vraag; met 'next' wordt de vraag een vertakking."""

    next: Slug | None = Field(None, description="Id van de fase die volgt als de student deze optie kiest (een vertakking).")


class Item(Model):
    """Een element van een order-vraag; zet de items in de juiste volgorde."""

    id: Slug = Field(description=f"Id van het item, uniek binnen de vraag ({SLUG_HELP}).")
    text: Text = Field(description="Wat de student ziet.")


class Criterion(Model):
    """Een criterium van de rubric van een open vraag."""

    id: Slug = Field(description=f"Id van het criterium, uniek binnen de vraag ({SLUG_HELP}).")
    criterion: Text = Field(description="Wat er beoordeeld wordt.")
    levels: dict[Annotated[int, Field(ge=0)], Text] = Field(
        min_length=2,
        description="Score -> omschrijving, precies 0, 1, ..., k (bv. 0: niet vermeld). De hoogste score telt mee in het maximum.",
        json_schema_extra={"propertyNames": {"pattern": "^[0-9]+$"}},
    )
    evidence: list[Text] = Field(
        default_factory=list,
        description="Aanwijzingen voor de voorbeoordeling: per aanwijzing alternatieven gescheiden door '|', "
                    "hele woorden, '*' aan het eind van een woord = eender welk einde (bv. 'meld*|signaleer*').",
    )

    @property
    def top(self) -> int:
        return max(self.levels)


class _Question(Model):
    id: Slug = Field(description=f"Id van de vraag, uniek in het scenario ({SLUG_HELP}).")
    prompt: Text = Field(description="De vraag zoals de student ze leest (Markdown).")


_POINTS = "Punten voor een volledig juist antwoord (> 0)."


class SingleQuestion(_Question):
    """Eén keuze (single): precies één optie is juist; opties met 'next' maken een vertakking."""

    type: Literal["single"] = Field(description="Het vraagtype.")
    points: Points = Field(description=_POINTS)
    options: list[SingleOption] = Field(min_length=2, max_length=8, description="2 tot 8 opties.")


class MultipleQuestion(_Question):
    """Meerdere keuzes (multiple): minstens één optie is juist."""

    type: Literal["multiple"] = Field(description="Het vraagtype.")
    points: Points = Field(description=_POINTS)
    options: list[Option] = Field(min_length=2, max_length=10, description="2 tot 10 opties.")
    scoring: Literal["partial", "all-or-nothing"] = Field(
        "partial", description="partial: punten naar verhouding (juiste min foute keuzes); all-or-nothing: alleen precies de juiste set.")


class OrderQuestion(_Question):
    """Volgorde (order): de student zet de items in volgorde; noteer ze hier in de juiste volgorde."""

    type: Literal["order"] = Field(description="Het vraagtype.")
    points: Points = Field(description=_POINTS)
    items: list[Item] = Field(min_length=3, max_length=8, description="3 tot 8 items, in de juiste volgorde.")
    scoring: Literal["pairs", "exact"] = Field(
        "pairs", description="pairs: punten naar het aandeel paren in de juiste volgorde; exact: alleen de exacte volgorde.")


class ScaleQuestion(_Question):
    """Schaal (scale): de student kiest een waarde van min tot max."""

    type: Literal["scale"] = Field(description="Het vraagtype.")
    points: Points = Field(description=_POINTS)
    min: int = Field(description="Laagste waarde van de schaal (kleiner dan max).")
    max: int = Field(description="Hoogste waarde van de schaal.")
    labels: dict[int, Text] | None = Field(
        None, description="Optioneel: waarde -> label, bv. {1: helemaal niet, 5: volledig}; waarden binnen [min, max].",
        json_schema_extra={"propertyNames": {"pattern": "^-?[0-9]+$"}},
    )
    accept: Annotated[list[int], Field(min_length=2, max_length=2)] = Field(
        description="[laagste, hoogste] waarde die als juist telt, binnen [min, max].")


class OpenQuestion(_Question):
    """Open vraag (open): de student schrijft; de docent scoort met de rubric. Geen 'points': die volgen uit de rubric."""

    type: Literal["open"] = Field(description="Het vraagtype.")
    rubric: list[Criterion] = Field(min_length=1, description="De criteria; de punten van de vraag zijn de som van hun hoogste niveaus.")
    words: Annotated[list[Annotated[int, Field(ge=0)]], Field(min_length=2, max_length=2)] | None = Field(
        None, description="Richtlengte [min, max] in woorden.")
    model_answer: str | None = Field(None, description="Een modelantwoord voor docent en oefenmodus (sterk aangeraden).")

    @property
    def points(self) -> float:
        return float(sum(c.top for c in self.rubric))


Question = Annotated[
    Union[SingleQuestion, MultipleQuestion, OrderQuestion, ScaleQuestion, OpenQuestion],
    Field(discriminator="type"),
]
QUESTION_TYPES = ("single", "multiple", "order", "scale", "open")


class Stage(Model):
    """Een fase van de casus. Ze opent pas als de vorige fase is ingediend."""

    id: Slug = Field(description=f"Id van de fase, uniek in het scenario ({SLUG_HELP}).")
    title: Text = Field(description="Titel van de fase.")
    text: Text = Field(description="Het verhaal van deze fase (Markdown); schrijf lange tekst na 'text: |' op de volgende regels.")
    questions: list[Question] = Field(
        default_factory=list, description="De vragen van deze fase (mag leeg zijn); elk met een 'type': single, multiple, order, scale of open.")
    next: Slug | None = Field(None, description="Id van de fase die hierna volgt (anders: de volgende in de lijst).")
    end: bool = Field(False, description="true: het scenario eindigt na deze fase (dan geen 'next').")


class Scenario(Model):
    """Een casus van casuslab (formaat casuslab/scenario-v1): één bestand per casus, scenarios/<thema>/<id>.yaml."""

    format: Literal["casuslab/scenario-v1"] = Field(description="Altijd casuslab/scenario-v1.")
    id: Slug = Field(description=f"Id van het scenario = de bestandsnaam zonder .yaml ({SLUG_HELP}); uniek in de cursus.")
    title: Text = Field(description="Titel die de student ziet.")
    theme: Literal["ethiek", "beroepsgeheim", "behoefteanalyse"] = Field(description="Het thema.")
    language: Literal["nl", "fr", "en"] = Field("nl", description="Taal van de teksten en van de knoppen (standaard nl).")
    level: Literal[1, 2, 3] = Field(1, description="Bachelorjaar waarvoor de casus past: 1, 2 of 3.")
    minutes: Annotated[int, Field(gt=0)] | None = Field(None, description="Verwachte werktijd in minuten.")
    objectives: list[Text] = Field(min_length=1, description="Leerdoelen (minstens één), getoond aan de student.")
    setting: str | None = Field(None, description="Waar de casus speelt: organisatie, rol van de student.")
    references: list[Slug] = Field(
        default_factory=list, description="Sleutels uit references.yaml (de catalogus van wetsartikels en kaders), bv. [sw-458, sw2024-352].")
    stages: list[Stage] = Field(min_length=1, description="De fasen van de casus, in volgorde (minstens één).")

    def questions(self):
        """Every question with its stage, in document order."""
        for stage in self.stages:
            for question in stage.questions:
                yield stage, question


class Reference(Model):
    label: Text
    title: Text
    summary: Text
    source: Text
    replaced_by: Slug | None = None
    in_force: dt.date | None = None


class Catalogue(RootModel[dict[Slug, Reference]]):
    model_config = ConfigDict(strict=True)


class Assignment(Model):
    id: Slug
    mode: Literal["practice", "exam"]
    scenarios: list[Slug] = Field(min_length=1)
    due: dt.datetime | dt.date | None = None
    title: str | None = None


class Course(Model):
    format: Literal["casuslab/course-v1"]
    course_id: Slug
    title: Text
    assignments: list[Assignment] = Field(min_length=1)
    primers: list[Slug] = Field(default_factory=list)
