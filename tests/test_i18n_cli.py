"""What trainers and lecturers read (lint, build, new, schema) goes through the one gettext layer.

``CASUSLAB_LANG`` picks the language (nl by default, fr, en); codes, lines, columns and the
JSON keys never change with it. The catalogues are the student runtime's (tests/test_student_i18n.py
checks they are complete and compiled).
"""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from casuslab.i18n import ENV_VAR, cli_language, os_reason
from casuslab.lint.check import check_scenario
from casuslab.lint.codes import CODES, describe
from casuslab.student.i18n import LOCALE_DIR

ROOT = Path(__file__).resolve().parents[1]

from test_student_i18n import KEYWORDS, SOURCE_NAMES  # noqa: E402  (one list of sources for both tests)

# a list that is never closed: CL001 where the file ends (line 4, column 1)
BAD = "format: casuslab/scenario-v1\nminuten: 25\ntitle: [a, b\n"
LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>CL\d{3}) (?P<message>.*)$")

EXPECTED = {
    None: ("dit is geen geldige YAML: een lijst tussen [ en ] is niet gesloten met ']'", "1 fout, 0 waarschuwingen in 1 bestand"),
    "nl": ("dit is geen geldige YAML: een lijst tussen [ en ] is niet gesloten met ']'", "1 fout, 0 waarschuwingen in 1 bestand"),
    "en": ("this is not valid YAML: a list between [ and ] is not closed with ']'", "1 error, 0 warnings in 1 file"),
    "fr": ("ce n'est pas du YAML valide : une liste entre [ et ] n'est pas fermée par ']'", "1 erreur, 0 avertissement dans 1 fichier"),
    "fr_BE.UTF-8": ("ce n'est pas du YAML valide : une liste entre [ et ] n'est pas fermée par ']'", "1 erreur, 0 avertissement dans 1 fichier"),
    "de": ("dit is geen geldige YAML: een lijst tussen [ en ] is niet gesloten met ']'", "1 fout, 0 waarschuwingen in 1 bestand"),
}


def casuslab(*args, cwd: Path, lang: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != ENV_VAR}
    if lang is not None:
        env[ENV_VAR] = lang
    return subprocess.run([sys.executable, "-m", "casuslab.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=60)


@pytest.mark.parametrize("lang", list(EXPECTED))
def test_lint_speaks_the_chosen_language(lang, tmp_path):
    bad = tmp_path / "casus.yaml"
    bad.write_text(BAD, encoding="utf-8")
    result = casuslab("lint", bad, cwd=tmp_path, lang=lang)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    problem = LINE.match(lines[0]).groupdict()
    assert (problem["path"], problem["line"], problem["col"], problem["code"]) == (str(bad), "4", "1", "CL001")
    message, summary = EXPECTED[lang]
    assert problem["message"].startswith(message), problem["message"]
    assert lines[-1] == summary


@pytest.mark.parametrize("lang,fragment", [(None, "bestand of map niet gevonden"), ("en", "file or folder not found"),
                                           ("fr", "fichier ou dossier introuvable")])
def test_json_keeps_its_keys_and_carries_the_message_in_the_language(lang, fragment, tmp_path):
    result = casuslab("lint", "--format", "json", tmp_path / "weg.yaml", cwd=tmp_path, lang=lang)
    report = json.loads(result.stdout)
    assert report["summary"] == {"files": 0, "errors": 1, "warnings": 0}
    [problem] = report["problems"]
    assert set(problem) == {"path", "line", "col", "code", "severity", "message"}
    assert (problem["code"], problem["line"], problem["col"]) == ("CL007", 1, 1)
    assert problem["message"] == fragment


def test_schema_problems_name_the_field_in_dutch(tmp_path):
    bad = tmp_path / "casus.yaml"
    bad.write_text("format: casuslab/scenario-v1\nminuten: 25\n", encoding="utf-8")
    result = casuslab("lint", bad, cwd=tmp_path, lang=None)
    assert f"{bad}:2:1: CL101 onbekend veld 'minuten' (een tikfout?)" in result.stdout
    assert "het verplichte veld 'title' ontbreekt" in result.stdout
    assert "required" not in result.stdout and "unknown" not in result.stdout


@pytest.mark.parametrize("lang,fragment", [(None, "hier staat geen cursusplan"), ("fr", "pas de plan de cours ici"),
                                           ("en", "no course plan here")])
def test_build_and_new_errors_follow_the_language(lang, fragment, tmp_path):
    build = casuslab("build", "--course", tmp_path / "geen", cwd=tmp_path, lang=lang)
    assert build.returncode == 2 and fragment in build.stderr and "Traceback" not in build.stderr
    (tmp_path / "scenarios").mkdir()
    new = casuslab("new", "zorg", "casus", cwd=tmp_path, lang=lang)
    wanted = {None: "onbekend thema 'zorg'", "fr": "thème inconnu 'zorg'", "en": "unknown theme 'zorg'"}[lang]
    assert new.returncode == 2 and wanted in new.stderr


def test_a_folder_given_as_scenario_says_why_in_dutch(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    folder = tmp_path / "map.yaml"
    folder.mkdir()
    model, [problem] = check_scenario(folder)
    assert model is None and problem.code == "CL007"
    assert problem.message == "het bestand kan niet gelezen worden: het is een map, geen bestand"


def test_os_reasons_are_translated_and_rare_ones_kept(monkeypatch):
    monkeypatch.setenv(ENV_VAR, "nl")
    assert os_reason(PermissionError(errno.EACCES, "Permission denied")).startswith("geen toestemming")
    assert os_reason(FileNotFoundError(errno.ENOENT, "No such file or directory")) == "dat bestand of die map bestaat niet"
    assert os_reason(OSError(errno.ENOSPC, "No space left on device")) == "de schijf is vol"
    assert os_reason(OSError(errno.EPIPE, "Broken pipe")) == "Broken pipe"  # rare: the system's own words
    assert os_reason(OSError("no errno")) == "onbekende fout van het besturingssysteem"
    monkeypatch.setenv(ENV_VAR, "fr")
    assert os_reason(IsADirectoryError(errno.EISDIR, "Is a directory")) == "c'est un dossier, pas un fichier"


@pytest.mark.parametrize("raw,lang", [("", "nl"), ("nl", "nl"), ("FR", "fr"), ("fr_BE.UTF-8", "fr"), ("en-GB", "en"),
                                      ("de", "nl"), ("  en ", "en")])
def test_the_language_comes_from_the_environment(raw, lang, monkeypatch):
    monkeypatch.setenv(ENV_VAR, raw)
    assert cli_language() == lang


def test_code_descriptions_are_translated(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert describe("CL001") == "het bestand is geen geldige YAML"
    assert describe("CL999") == ""
    monkeypatch.setenv(ENV_VAR, "en")
    assert describe("CL001") == CODES["CL001"]


def _catalogue(language: str):
    with open(LOCALE_DIR / language / "LC_MESSAGES" / "casuslab.po", "rb") as handle:
        return read_po(handle)


# msgids whose Dutch is rightly the same text: field names, or only placeholders and punctuation
SAME_IN_DUTCH = {"format, id, title, theme, objectives, stages, ...", "format, course_id, title, assignments",
                 "{errors}, {warnings} in {files}"}


def test_trainer_messages_are_really_translated():
    """Every message of lint/scenario/build/i18n has a Dutch and a French text that is not the English one."""
    from babel.messages.extract import extract_from_dir

    used = set()
    for name in ("lint", "scenario", "build", "i18n"):
        for _file, _line, message, _comments, _context in extract_from_dir(
                str(ROOT / "tools" / "casuslab" / name), method_map=[("**.py", "python")], keywords=KEYWORDS):
            used.add(message if isinstance(message, str) else message[0])
    assert len(used) > 150
    for language in ("nl", "fr"):
        catalogue = _catalogue(language)
        for msgid in used:
            entry = catalogue.get(msgid) or next((m for m in catalogue if isinstance(m.id, tuple) and m.id[0] == msgid), None)
            assert entry is not None, f"{language}: {msgid!r} missing"
            text = entry.string[0] if isinstance(entry.string, tuple) else entry.string
            assert text, f"{language}: {msgid!r} untranslated"
            if msgid not in SAME_IN_DUTCH:
                assert text != msgid, f"{language}: {msgid!r} is still English"


def test_makefile_extracts_from_the_same_folders_as_the_tests():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(r"^I18N_SOURCES := \$\(addprefix tools/casuslab/,(.+)\)$", makefile, re.M)
    assert match and tuple(match.group(1).split()) == SOURCE_NAMES
    assert "-k N_" in makefile


def test_items_write_error_gives_the_reason_in_dutch(tmp_path, monkeypatch):
    from casuslab.errors import InputError
    from casuslab.items.command import write_atomically

    monkeypatch.delenv(ENV_VAR, raising=False)
    target = tmp_path / "bank.xml"
    (tmp_path / ".bank.xml.tmp").symlink_to(".bank.xml.tmp")  # a link to itself: ELOOP on write
    with pytest.raises(InputError) as caught:
        write_atomically(target, b"<quiz/>")
    assert caught.value.message == "kan niet geschreven worden: te veel symbolische links"
    assert not target.exists()


def test_an_uncommon_schema_error_still_gets_a_dutch_frame(monkeypatch):
    import pydantic

    from casuslab.scenario.load import problems_from_validation
    from casuslab.scenario.yamlpos import parse_yaml

    class Even(pydantic.BaseModel):
        n: int = pydantic.Field(multiple_of=2)

    monkeypatch.delenv(ENV_VAR, raising=False)
    loaded = parse_yaml("n: 3\n", "even.yaml")
    with pytest.raises(pydantic.ValidationError) as caught:
        Even.model_validate(loaded.data)
    [problem] = problems_from_validation(caught.value, loaded.data, loaded.positions)
    assert (problem.code, problem.location.line, problem.location.col) == ("CL104", 1, 4)
    assert problem.message.startswith("n heeft een waarde die hier niet toegelaten is (")


def test_build_names_a_missing_scenario_in_dutch(tmp_path):
    (tmp_path / "course").mkdir()
    (tmp_path / "leeg").mkdir()
    (tmp_path / "course" / "course.yaml").write_text(
        "format: casuslab/course-v1\ncourse_id: c\ntitle: C\nassignments:\n"
        "  - id: reeks\n    mode: practice\n    scenarios: [casus-a, casus-a]\n", encoding="utf-8")
    result = casuslab("build", "--course", "course", "--scenarios", "leeg", cwd=tmp_path, lang=None)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "fouten in course/course.yaml; er is niets gebouwd" in result.stderr
    assert "course/course.yaml:7:17: CL501 er is geen scenario met de id 'casus-a' in leeg" in result.stderr
    assert "CL104 het scenario 'casus-a' staat twee keer in opdracht 'reeks'" in result.stderr


def test_problems_at_different_places_sort():
    from casuslab.errors import Location
    from casuslab.lint.problems import Problem

    later, earlier = Problem(Location("a.yaml", 9, 1), "CL301", "x", "warning"), Problem(Location("a.yaml", 2, 5), "CL302", "y")
    assert sorted([later, earlier]) == [earlier, later]


@pytest.mark.parametrize("text,fragment", [
    ('title: "abc\n', "een aanhalingsteken niet gesloten?"),
    ("a:\n  - x\n - y\n", "controleer het inspringen"),
    ("title: @x\n", "een teken waarmee een waarde niet mag beginnen"),
    ("title: *x\n", "een alias (*naam) verwijst naar geen enkel anker"),
    ("a: {b: 1\n", "is niet gesloten met '}'"),
    ("- a\nb: 1\n", "begint niet met '- '"),
    ("title: !!python/object x\n", "een YAML-tag"),
    ("title: a\n---\nid: b\n", "meer dan één YAML-document"),
])
def test_the_yaml_parser_s_problems_are_explained_in_dutch(text, fragment, tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    path = tmp_path / "casus.yaml"
    path.write_text(text, encoding="utf-8")
    _model, [problem] = check_scenario(path)
    assert problem.code == "CL001" and fragment in problem.message, problem.message
    assert not re.search(r"\b(found|expected|could not|while|document start)\b", problem.message), problem.message
