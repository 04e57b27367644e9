"""Build-time texts students see in the generated notebooks (intro headings, task cells).

A small set of message ids, keyed by language (nl, fr, en); Flemish Dutch (``nl``) is
the default. The widgets' texts live in the student runtime's own catalogue
(``casuslab.student.i18n``); these are only the texts the build writes into cells.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "nl": {
        "build.intro.setting": "Situering",
        "build.intro.objectives": "Leerdoelen",
        "build.intro.minutes": "Reken op ongeveer {minutes} minuten.",
        "build.intro.references": "Bronnen",
        "build.intro.replaced": "{old}, nu {new}",
        "build.intro.how": "Voer alle cellen uit (Run → Run All Cells). Je antwoorden worden meteen bewaard.",
        "build.task.open": "**Open vraag: {prompt}**\n\nJe lector beoordeelt je antwoord met de beoordelingscriteria (max. {points} punten).",
    },
    "fr": {
        "build.intro.setting": "Contexte",
        "build.intro.objectives": "Objectifs d'apprentissage",
        "build.intro.minutes": "Comptez environ {minutes} minutes.",
        "build.intro.references": "Sources",
        "build.intro.replaced": "{old}, désormais {new}",
        "build.intro.how": "Exécutez toutes les cellules (Run → Run All Cells). Vos réponses sont enregistrées immédiatement.",
        "build.task.open": "**Question ouverte : {prompt}**\n\nVotre enseignant évalue votre réponse selon les critères d'évaluation (max. {points} points).",
    },
    "en": {
        "build.intro.setting": "Setting",
        "build.intro.objectives": "Learning objectives",
        "build.intro.minutes": "Expect to spend about {minutes} minutes.",
        "build.intro.references": "References",
        "build.intro.replaced": "{old}, now {new}",
        "build.intro.how": "Run all cells (Run → Run All Cells). Your answers are saved at once.",
        "build.task.open": "**Open question: {prompt}**\n\nYour lecturer grades your answer with the rubric (max. {points} points).",
    },
}

DEFAULT_LANGUAGE = "nl"


def text(msgid: str, language: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The text of ``msgid`` in ``language`` (falling back to nl), formatted with ``values``."""
    table = TEXTS.get(language) or TEXTS[DEFAULT_LANGUAGE]
    template = table.get(msgid) or TEXTS[DEFAULT_LANGUAGE][msgid]
    return template.format(**values)
