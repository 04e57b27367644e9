"""Build-time texts students see in the generated notebooks (intro headings, task cells).

A small set of message ids, with their text per language (nl, fr, en); Flemish
Dutch (``nl``) is the default. The student runtime's gettext catalogue
(``casuslab.student.i18n``, English message ids) wins when it translates a
text's English form: so a translator can fix these texts in one place.
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


def _runtime(english: str, language: str) -> str | None:
    """The runtime catalogue's translation of ``english``, if it has one."""
    try:
        from casuslab.student.i18n import translator
    except Exception:  # the runtime is optional at build time
        return None
    try:
        translated = translator(language).gettext(english)
    except Exception:
        return None
    return translated if translated and (translated != english or language == "en") else None


def text(msgid: str, language: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The text of ``msgid`` in ``language`` (falling back to nl), formatted with ``values``."""
    if language not in TEXTS:
        language = DEFAULT_LANGUAGE
    template = _runtime(TEXTS["en"][msgid], language) or TEXTS[language][msgid]
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):  # a translation with broken placeholders
        return TEXTS[language][msgid].format(**values)
