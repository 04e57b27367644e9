"""Message catalogues of the student runtime: gettext, standard library only.

The message ids are English; ``nl`` (Flemish usage) is the default catalogue,
``fr`` and ``en`` the others. The scenario's ``language`` picks one. The ``.po``
sources are compiled to ``.mo`` at development time with Babel
(``make i18n``); a test checks that the committed ``.mo`` files are up to date.
"""

from __future__ import annotations

import gettext
from functools import lru_cache
from pathlib import Path

DOMAIN = "casuslab"
LANGUAGES = ("nl", "fr", "en")
DEFAULT_LANGUAGE = "nl"
LOCALE_DIR = Path(__file__).resolve().parent


def language_of(spec: dict | None) -> str:
    """The catalogue a scenario asks for (``nl`` when absent or unknown)."""
    lang = (spec or {}).get("language")
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


@lru_cache(maxsize=None)
def translator(language: str = DEFAULT_LANGUAGE) -> gettext.NullTranslations:
    """The translations for ``language`` (unknown languages get ``nl``)."""
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)
