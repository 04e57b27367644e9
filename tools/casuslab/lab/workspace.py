"""The student workspace of ``casuslab lab``: the primers and the practice scenarios, in practice mode.

Exam scenarios never go into the workspace: practice mode ships every key, and an
exam's cases must be new to every student. A scenario that an exam assignment uses
is left out even when a practice assignment lists it too; a notebook and case file
of such a scenario left by an older build are removed (an answers file never is).

Layout (default ``workspace/``):

    index.ipynb                     the course index: links grouped by theme
    <theme>/<id>.ipynb + .case.json one notebook per scenario or primer (practice mode)
    <theme>/<id>.answers.json       the student's answers: never written or removed here

A rebuild rewrites notebooks and case files only when their content changed, and
never touches an answers file.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import v4

from casuslab.build import build_notebook, notebook_bytes, student_spec
from casuslab.build.checks import check_course, check_scenario, cited_catalogue, find_scenarios, load_references
from casuslab.build.course import case_json_bytes, write_if_changed
from casuslab.errors import BuildError, Location
from casuslab.i18n import _  # command-line language; index_notebook uses the scenario's
from casuslab.scenario.spec import to_spec
from casuslab.student.i18n import translator

THEMES = ("beroepsgeheim", "ethiek", "behoefteanalyse")
INDEX = "index.ipynb"


@dataclass
class Entry:
    """One notebook of the workspace, as the index lists it."""

    id: str
    title: str
    theme: str
    path: str  # relative to the workspace, POSIX
    primer: bool = False
    level: int | None = None
    minutes: int | None = None


@dataclass
class Workspace:
    root: Path
    title: str
    entries: list[Entry] = field(default_factory=list)
    skipped: list[tuple[str, Path | None]] = field(default_factory=list)  # (id, its file or None if missing)
    withheld: list[str] = field(default_factory=list)  # exam scenarios: never in the workspace
    written: list[Path] = field(default_factory=list)


def _theme_title(theme: str, _) -> str:
    return {"beroepsgeheim": _("Professional secrecy"), "ethiek": _("Ethics"),
            "behoefteanalyse": _("Needs analysis")}.get(theme, theme)


def index_notebook(title: str, entries: list[Entry], language: str = "nl") -> nbformat.NotebookNode:
    """The course index: a short how-to, then per theme its primers and its cases."""
    _ = translator(language).gettext
    intro = "\n\n".join([
        f"# {title}",
        _("Welcome. Each link below opens a case in a new tab. In the case, choose "
          "**Run → Run All Cells**: the story and the questions appear."),
        _("Every answer is saved the moment you give it, also when you close the tab. "
          "Submit a part with **Submit** to see what happens next and, in practice, why an answer is right or wrong."),
        _("Start with the theory of a theme, then work through its cases."),
    ])
    cells = [v4.new_markdown_cell(intro, id="index-intro")]
    for theme in sorted({e.theme for e in entries}, key=lambda t: (THEMES.index(t) if t in THEMES else 99, t)):
        lines = [f"## {_theme_title(theme, _)}", ""]
        for entry in sorted((e for e in entries if e.theme == theme),
                            key=lambda e: (not e.primer, e.level or 0, e.title.casefold())):
            facts = []
            if entry.primer:
                facts.append(_("theory, read this first"))
            if entry.level:
                facts.append(_("level {level}").format(level=entry.level))
            if entry.minutes:
                facts.append(_("about {minutes} minutes").format(minutes=entry.minutes))
            tail = f" — {' · '.join(facts)}" if facts else ""
            lines.append(f"- [{entry.title}]({entry.path}){tail}")
        cells.append(v4.new_markdown_cell("\n".join(lines), id=f"index-{theme}"[:64]))
    for cell in cells:
        cell.metadata.update({"editable": False, "deletable": False})
    nb = v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "casuslab": {"index": True},
    })
    nbformat.validate(nb)
    return nb


def _remove_exam_files(root: Path, sid: str) -> None:
    """Remove what an older build left of an exam scenario (never an answers file)."""
    for theme in (p for p in root.iterdir() if p.is_dir()) if root.is_dir() else ():
        for name in (f"{sid}.ipynb", f"{sid}.case.json"):
            stale = theme / name
            if stale.is_file() or stale.is_symlink():
                stale.unlink()


def build_workspace(course_dir: Path | str, workspace: Path | str, scenarios_dir: Path | str | None = None) -> Workspace:
    """Build the primers and practice scenarios of ``course_dir/course.yaml`` into ``workspace``."""
    course_dir, root = Path(course_dir), Path(workspace)
    course_file = course_dir / "course.yaml"
    if not course_file.is_file():
        raise BuildError(_("no course plan here (expected course.yaml)"), Location(str(course_file)))
    scenarios_dir = Path(scenarios_dir) if scenarios_dir is not None else course_dir.resolve().parent / "scenarios"
    course, problems, _positions = check_course(course_file)
    if course is None or any(p.is_error for p in problems):
        raise BuildError(_("the course plan has errors: run `casuslab lint`"), Location(str(course_file)))
    available = find_scenarios(scenarios_dir)
    exam = {sid for a in course.assignments if a.mode == "exam" for sid in a.scenarios}
    wanted: list[tuple[str, bool]] = [(pid, True) for pid in course.primers]
    for assignment in course.assignments:
        if assignment.mode == "practice":
            wanted += [(sid, False) for sid in assignment.scenarios]
    result = Workspace(root=root, title=course.title, withheld=sorted(exam))
    for sid in result.withheld:
        _remove_exam_files(root, sid)
    seen: set[str] = set(exam)
    languages: Counter[str] = Counter()
    for sid, primer in wanted:
        if sid in seen:
            continue
        seen.add(sid)
        if sid not in available:
            result.skipped.append((sid, None))
            continue
        model, found = check_scenario(available[sid])
        errors = [p for p in found if p.is_error]
        if model is None or errors:
            result.skipped.append((sid, available[sid]))
            continue
        spec = to_spec(model)
        catalogue = cited_catalogue(model.references, load_references(available[sid]))
        folder = root / spec["theme"]
        case = student_spec(spec, "practice", None)
        case["reference_catalogue"] = catalogue
        nb = build_notebook(spec, None, "practice", catalogue=catalogue, grading=False)
        for path, content in ((folder / f"{sid}.ipynb", notebook_bytes(nb)),
                              (folder / f"{sid}.case.json", case_json_bytes(case))):
            if write_if_changed(path, content):
                result.written.append(path)
        result.entries.append(Entry(id=sid, title=spec["title"], theme=spec["theme"], primer=primer,
                                    path=f"{spec['theme']}/{sid}.ipynb", level=spec.get("level"),
                                    minutes=spec.get("minutes")))
        languages[spec.get("language", "nl")] += 1
    language = languages.most_common(1)[0][0] if languages else "nl"  # the index speaks the course's language
    index = notebook_bytes(index_notebook(course.title, result.entries, language))
    if write_if_changed(root / INDEX, index):
        result.written.append(root / INDEX)
    return result

