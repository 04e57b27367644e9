"""The message catalogues (student runtime and command line): complete, consistent, and compiled."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from casuslab.student.i18n import LANGUAGES, LOCALE_DIR, language_of, translator

STUDENT = LOCALE_DIR.parent
PACKAGE = STUDENT.parent
# one catalogue: the runtime, the student's `casuslab lab`, and what trainers read (casuslab.i18n);
# the same folders as I18N_SOURCES in the Makefile (tests/test_i18n_cli.py checks that)
SOURCE_NAMES = ("student", "lab", "i18n", "lint", "scenario", "build")
SOURCES = tuple(PACKAGE / name for name in SOURCE_NAMES)
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def catalogue(language: str):
    with open(LOCALE_DIR / language / "LC_MESSAGES" / "casuslab.po", "rb") as handle:
        return read_po(handle)


def used_messages() -> set[str]:
    found = set()
    for folder in SOURCES:
        for _file, _line, message, _comments, _context in extract_from_dir(
                str(folder), method_map=[("**.py", "python")], keywords=KEYWORDS):
            found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_mo_files_are_compiled_from_the_current_po(language):
    compiled = io.BytesIO()
    write_mo(compiled, catalogue(language))
    committed = (LOCALE_DIR / language / "LC_MESSAGES" / "casuslab.mo").read_bytes()
    assert compiled.getvalue() == committed, f"run `make i18n`: {language}.mo is out of date"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_in_the_code_is_translated(language):
    cat = catalogue(language)
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in cat if m.id}
    used = used_messages()
    assert used, "the extractor found no messages"
    assert used - ids == set(), f"missing from {language}.po"
    assert ids - used == set(), f"unused in {language}.po"
    for message in cat:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{language}: untranslated {message.id!r}"
        originals = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(PLACEHOLDER.findall(" ".join(originals)))
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) <= wanted, f"{language}: unknown placeholder in {text!r}"
        assert "fuzzy" not in message.flags


def test_the_scenario_language_selects_the_catalogue():
    assert language_of({}) == "nl" and language_of({"language": "fr"}) == "fr"
    assert language_of({"language": "de"}) == "nl"
    assert translator("nl").gettext("Submit") == "Indienen"
    assert translator("fr").gettext("Submit") == "Soumettre"
    assert translator("en").gettext("Submit") == "Submit"
    assert translator("nl").ngettext("{n} word", "{n} words", 1) == "{n} woord"
    assert translator("fr").ngettext("{n} word", "{n} words", 0) == "{n} mot"
    assert translator("fr").ngettext("{n} word", "{n} words", 2) == "{n} mots"


def test_runtime_uses_the_standard_library_gettext_only():
    source = "\n".join(p.read_text(encoding="utf-8") for p in STUDENT.rglob("*.py") if p.name != "grading.py")
    heavy = r"^\s*(import|from)\s+(babel|yaml|pydantic|typer|casuslab\.(scenario|build|lint|grade|lab))\b"
    assert not re.search(heavy, source, re.M)
