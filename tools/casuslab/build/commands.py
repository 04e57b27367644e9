"""``casuslab build`` and ``casuslab preview``: what the command line calls."""

from __future__ import annotations

import sys
from pathlib import Path

from casuslab.errors import InputError, Location
from casuslab.i18n import _, ngettext


def run_build(course: Path, scenarios: Path | None) -> int:
    from casuslab.build.course import build_course

    result = build_course(course, scenarios)
    for problem in result.warnings:
        print(problem.line(), file=sys.stderr)
    for assignment, notebooks in result.notebooks.items():
        names = ", ".join(p.stem for p in notebooks)
        print(f"{assignment}: {names}")
    if result.primers:
        print(_("primers: {names}").format(names=", ".join(p.stem for p in result.primers)))
    for path in result.removed:
        print(_("removed (no longer in the course): {path}").format(path=path))
    changed = len(result.written)
    print(_("built {source} and {config} ({changed})").format(
        source=course / "source", config=result.config.name,
        changed=ngettext("{n} file changed", "{n} files changed", changed).format(n=changed)))
    return 0


def run_preview(scenario: Path, output: Path | None) -> int:
    from casuslab.build.preview import preview_file

    if not Path(scenario).is_file():
        raise InputError(_("scenario file not found"), Location(str(scenario)))
    target = Path(output) if output is not None else Path(f"{Path(scenario).stem}.preview.html")
    preview_file(scenario, target)
    print(_("preview written to {path}").format(path=target))
    return 0
