"""Course plan rules (CL501-CL505, CL305): assignments name existing scenarios, ids are unique, exams do not branch."""

from __future__ import annotations

import os
from pathlib import Path

from casuslab.i18n import _
from casuslab.lint.context import Report, as_id, as_list, entries, suggest

NOT_SCENARIOS = ("references.yaml", "course.yaml")


def scenarios_folder(course_path: Path) -> Path:
    """The `scenarios/` folder beside the course folder (contract §5)."""
    return Path(course_path).resolve().parent.parent / "scenarios"


def scenario_files(folder: Path) -> dict[str, list[Path]]:
    """Scenario id (= file stem) -> the files under ``folder`` with that stem."""
    found: dict[str, list[Path]] = {}
    for path in sorted(Path(folder).rglob("*.yaml")):
        relative = path.relative_to(folder)
        if path.name in NOT_SCENARIOS or any(part.startswith(".") for part in relative.parts):
            continue
        found.setdefault(path.stem, []).append(path)
    return found


def shown(path: Path) -> str:
    """A path as a trainer recognizes it: relative to the current folder when it lies below it."""
    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


def _check_ids(key, raw, known: dict[str, list[Path]], code: str, message: str, folder: Path, r: Report) -> None:
    """``message`` (translated) has the placeholders {id}, {folder} and {suggestion}."""
    ident = as_id(raw)
    if ident is None:
        return
    if ident not in known:
        r.value(key, code, message.format(id=ident, folder=shown(folder), suggestion=suggest(ident, sorted(known))))
    elif len(known[ident]) > 1:
        where = ", ".join(str(p.relative_to(folder)) for p in known[ident])
        r.value(key, "CL505", _("scenario '{id}' is found in more than one file ({files}); ids must be unique "
                                "in the course").format(id=ident, files=where))


def _branches(path: Path) -> bool:
    """Whether the scenario at ``path`` branches (``paths.branching_question``); an invalid one is linted elsewhere."""
    from casuslab.paths import branching_question
    from casuslab.scenario.load import load_scenario
    from casuslab.scenario.spec import to_spec

    loaded = load_scenario(path)
    if loaded.model is None:
        return False
    return any(branching_question(stage) for stage in to_spec(loaded.model)["stages"])


def check_course_rules(data: dict, course_path: Path, r: Report) -> None:
    seen: dict[str, tuple] = {}
    for akey, assignment in entries(data, "assignments", ()):
        ident = as_id(assignment.get("id"))
        if ident is None:
            continue
        if ident in seen:
            r.value(akey + ("id",), "CL502", _("assignment id '{id}' is used twice (first on line {line}); "
                                               "give each assignment its own id").format(
                id=ident, line=r.line(seen[ident])))
        else:
            seen[ident] = akey + ("id",)
    folder = scenarios_folder(course_path)
    if not folder.is_dir():
        r.key(("assignments",), "CL504", _("the scenarios folder {folder} does not exist: the course plan expects "
                                           "its scenarios in a folder 'scenarios' beside the course folder").format(
            folder=shown(folder)))
        return
    known = scenario_files(folder)
    for akey, assignment in entries(data, "assignments", ()):
        for i, raw in enumerate(as_list(assignment.get("scenarios"))):
            _check_ids(akey + ("scenarios", i), raw, known, "CL501",
                       _("scenario '{id}' is not found: there is no '{id}.yaml' under {folder}{suggestion}"), folder, r)
    for akey, assignment in entries(data, "assignments", ()):
        if assignment.get("mode") != "exam":
            continue
        for i, raw in enumerate(as_list(assignment.get("scenarios"))):
            ident = as_id(raw)
            if ident in known and len(known[ident]) == 1 and _branches(known[ident][0]):
                r.value(akey + ("scenarios", i), "CL305",
                        _("scenario '{id}' branches, and an exam's case file holds the story of every branch: "
                          "a student who reads it can tell which option leads where; use a scenario without "
                          "branches in an exam, or accept that risk").format(id=ident))
    for i, raw in enumerate(as_list(data.get("primers"))):
        _check_ids(("primers", i), raw, known, "CL503",
                   _("primer scenario '{id}' is not found: there is no '{id}.yaml' under {folder}{suggestion}"),
                   folder, r)
