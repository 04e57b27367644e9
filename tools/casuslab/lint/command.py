"""``casuslab lint [PATH ...]``: check scenarios, the catalogue and the course plan; report every problem."""

from __future__ import annotations

import json
from pathlib import Path

from casuslab.errors import InputError, Location
from casuslab.i18n import _, ngettext
from casuslab.lint.check import Catalogues, check_catalogue, check_course, check_scenario, sort_problems
from casuslab.lint.problems import Problem

DEFAULT_PATHS = (Path("scenarios"), Path("course") / "course.yaml")
FORMATS = ("text", "json")


def kind_of(path: Path) -> str:
    """`references.yaml` is the catalogue, `course.yaml` a course plan, any other file a scenario."""
    if path.name == "references.yaml":
        return "catalogue"
    if path.name == "course.yaml":
        return "course"
    return "scenario"


def collect(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    """The files to check (folders searched recursively for *.yaml), and problems for missing paths."""
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            for found in sorted(path.rglob("*.yaml")):
                relative = found.relative_to(path)
                if not any(part.startswith(".") for part in relative.parts[:-1]):
                    files.append(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(Location(str(path), 1, 1), "CL007", _("file or folder not found")))
    unique: dict[Path, Path] = {}
    for f in files:
        unique.setdefault(f.resolve(), f)
    return list(unique.values()), problems


def lint_files(files: list[Path]) -> list[Problem]:
    catalogues = Catalogues()
    problems: list[Problem] = []
    for path in files:
        kind = kind_of(path)
        if kind == "catalogue":
            problems += check_catalogue(path, str(path))[1]
        elif kind == "course":
            problems += check_course(path, str(path))[1]
        else:
            problems += check_scenario(path, str(path), catalogues)[1]
    return problems


def run_lint(paths: list[Path], format: str = "text") -> int:
    """Print every problem (text or JSON); 1 when there is any error, else 0."""
    if format not in FORMATS:
        raise InputError(_("unknown --format '{format}': use text or json").format(format=format))
    if not paths:
        paths = [p for p in DEFAULT_PATHS if p.exists()]
        if not paths:
            raise InputError(_("nothing to lint here: there is no scenarios/ folder and no course/course.yaml; "
                               "give a file or folder, or run this in the course's top folder"))
    files, problems = collect([Path(p) for p in paths])
    problems = sort_problems(problems + lint_files(files))
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    if format == "json":
        summary = {"files": len(files), "errors": errors, "warnings": warnings}
        print(json.dumps({"problems": [p.as_dict() for p in problems], "summary": summary},
                         ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            print(problem.line())
        checked = ngettext("{n} file", "{n} files", len(files)).format(n=len(files))
        if problems:
            print(_("{errors}, {warnings} in {files}").format(
                errors=ngettext("{n} error", "{n} errors", errors).format(n=errors),
                warnings=ngettext("{n} warning", "{n} warnings", warnings).format(n=warnings), files=checked))
        else:
            print(_("no problems in {files}").format(files=checked))
    return 1 if errors else 0
