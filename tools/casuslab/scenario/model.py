"""pydantic models of scenario format v1, the reference catalogue and the course plan.

These models check shape and types only (``extra="forbid"``, strict types). The
rules that span several fields (ids unique, branches, equal points per path, ...)
are lint rules in ``casuslab.lint.rules``, which report each with its own code.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, RootModel, StringConstraints

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


Slug = Annotated[str, BeforeValidator(_int_to_str), StringConstraints(pattern=SLUG_PATTERN)]
Text = Annotated[str, StringConstraints(min_length=1)]
Points = Annotated[float, Field(gt=0)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Option(Model):
    id: Slug
    text: Text
    correct: bool = False
    feedback: str | None = None
    consequence: str | None = None


class SingleOption(Option):
    next: Slug | None = None


class Item(Model):
    id: Slug
    text: Text


class Criterion(Model):
    id: Slug
    criterion: Text
    levels: dict[Annotated[int, Field(ge=0)], Text] = Field(min_length=2)
    evidence: list[Text] = Field(default_factory=list)

    @property
    def top(self) -> int:
        return max(self.levels)


class _Question(Model):
    id: Slug
    prompt: Text


class SingleQuestion(_Question):
    type: Literal["single"]
    points: Points
    options: list[SingleOption] = Field(min_length=2, max_length=8)


class MultipleQuestion(_Question):
    type: Literal["multiple"]
    points: Points
    options: list[Option] = Field(min_length=2, max_length=10)
    scoring: Literal["partial", "all-or-nothing"] = "partial"


class OrderQuestion(_Question):
    type: Literal["order"]
    points: Points
    items: list[Item] = Field(min_length=3, max_length=8)
    scoring: Literal["pairs", "exact"] = "pairs"


class ScaleQuestion(_Question):
    type: Literal["scale"]
    points: Points
    min: int
    max: int
    labels: dict[int, Text] | None = None
    accept: Annotated[list[int], Field(min_length=2, max_length=2)]


class OpenQuestion(_Question):
    type: Literal["open"]
    rubric: list[Criterion] = Field(min_length=1)
    words: Annotated[list[Annotated[int, Field(ge=0)]], Field(min_length=2, max_length=2)] | None = None
    model_answer: str | None = None

    @property
    def points(self) -> float:
        return float(sum(c.top for c in self.rubric))


Question = Annotated[
    Union[SingleQuestion, MultipleQuestion, OrderQuestion, ScaleQuestion, OpenQuestion],
    Field(discriminator="type"),
]
QUESTION_TYPES = ("single", "multiple", "order", "scale", "open")


class Stage(Model):
    id: Slug
    title: Text
    text: Text
    questions: list[Question] = Field(default_factory=list)
    next: Slug | None = None
    end: bool = False


class Scenario(Model):
    format: Literal["casuslab/scenario-v1"]
    id: Slug
    title: Text
    theme: Literal["ethiek", "beroepsgeheim", "behoefteanalyse"]
    language: Literal["nl", "fr", "en"] = "nl"
    level: Literal[1, 2, 3] = 1
    minutes: Annotated[int, Field(gt=0)] | None = None
    objectives: list[Text] = Field(min_length=1)
    setting: str | None = None
    references: list[Slug] = Field(default_factory=list)
    stages: list[Stage] = Field(min_length=1)

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
