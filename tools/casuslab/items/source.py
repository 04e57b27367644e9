"""The questions to export: every question of the given scenarios, with its context.

A scenario is exported only when ``casuslab lint`` finds no error in it (a wrong key
in an item bank is worse than no item). Folders are searched for ``*.yaml``
(``references.yaml`` and ``course.yaml`` are not scenarios). Texts are Markdown in the
scenario; here they become safe HTML (``casuslab.student.markup``, the renderer the students see: raw HTML escaped).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from casuslab.errors import InputError, Location, ScenarioInvalid

CLOSED = ("single", "multiple", "order", "scale")
NOT_SCENARIOS = ("references.yaml", "course.yaml")


@dataclass(frozen=True)
class Item:
    """One question of one scenario, with the stage it sits in."""

    scenario: dict  # the full spec (keys included)
    stage: dict
    question: dict

    @property
    def sid(self) -> str:
        return self.scenario["id"]

    @property
    def qid(self) -> str:
        return self.question["id"]

    @property
    def kind(self) -> str:
        return self.question["type"]

    @property
    def points(self) -> float:
        from casuslab.scoring import question_points

        return question_points(self.question)

    @property
    def title(self) -> str:
        """``Scenario title: stage title (question id)``: unique and readable in a question bank."""
        return f"{self.scenario['title']}: {self.stage['title']} ({self.qid})"

    def context_html(self, with_prompt: bool = True) -> str:
        """The scenario's setting, the stage's vignette and (``with_prompt``) the prompt, as one HTML text."""
        from casuslab.student.markup import markdown as render

        parts = [f"<p><em>{html.escape(self.scenario['title'])}</em>"]
        if self.scenario.get("setting"):
            parts[0] += f" \u2013 {html.escape(self.scenario['setting'])}"
        parts[0] += "</p>"
        parts.append(f"<h4>{html.escape(self.stage['title'])}</h4>")
        parts.append(render(self.stage.get("text", "")))
        if with_prompt:
            parts.append(self.prompt_html())
        return "\n".join(p for p in parts if p)

    def prompt_html(self) -> str:
        from casuslab.student.markup import markdown as render

        return render(self.question.get("prompt", ""))


def scenario_files(paths: list[Path]) -> list[Path]:
    """The scenario files named by ``paths`` (folders searched recursively), in a stable order."""
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files.extend(p for p in sorted(path.rglob("*.yaml")) if p.name not in NOT_SCENARIOS)
        elif path.is_file():
            files.append(path)
        else:
            raise InputError("dit bestand of deze map bestaat niet", Location(str(path)))
    if not files:
        raise InputError("hier staat geen scenario (*.yaml)", Location(", ".join(str(p) for p in paths) or "."))
    return files


def load_specs(paths: list[Path]) -> list[dict]:
    """The full spec of every scenario; ScenarioInvalid (every error with path:line:col) if any has lint errors."""
    from casuslab.lint.check import Catalogues, check_scenario
    from casuslab.scenario.spec import to_spec

    catalogues = Catalogues()
    specs: list[dict] = []
    errors = []
    seen: dict[str, Path] = {}
    for file in scenario_files(paths):
        model, problems = check_scenario(file, catalogues=catalogues)
        bad = [p for p in problems if p.is_error]
        if model is None or bad:
            errors.extend(bad)
            continue
        spec = to_spec(model)
        if spec["id"] in seen:
            raise InputError(f"het scenario '{spec['id']}' staat twee keer in de export (ook in {seen[spec['id']]})",
                             Location(str(file), 1, 1))
        seen[spec["id"]] = file
        specs.append(spec)
    if errors:
        lines = "\n".join(p.line() for p in errors)
        raise ScenarioInvalid("deze scenario's hebben fouten; verbeter ze eerst (casuslab lint), "
                              f"er is niets geschreven:\n{lines}", errors)
    return specs


def items_of(specs: list[dict], kinds: tuple[str, ...] | None = None) -> list[Item]:
    """Every question of ``specs`` in document order (only ``kinds`` when given)."""
    found = []
    for spec in specs:
        for stage in spec.get("stages", []):
            for question in stage.get("questions") or []:
                if kinds is None or question["type"] in kinds:
                    found.append(Item(spec, stage, question))
    return found
