"""``casuslab build``: the course plan → nbgrader source notebooks, case files, primers, config.

Layout written under the course folder ``DIR``:

    DIR/source/<assignment>/<scenario>.ipynb      the nbgrader source notebook
    DIR/source/<assignment>/<scenario>.case.json  the student spec (keys only in practice mode)
    DIR/primers/<primer>.ipynb + .case.json       practice-mode notebooks without grading cells
    DIR/nbgrader_config.py                        course id, exclude_overwriting, ignore
    DIR/.casuslab-build.json                      what the last build wrote (to remove stale files)

Nothing is written when any input has a lint error, or when an answers file sits in
``source/`` (it would leak into the release and overwrite every student's answers).
Files are written atomically and only when their content changed.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from casuslab.build.checks import check_catalogues, check_course, check_scenario, cited_catalogue, find_scenarios, load_references
from casuslab.build.config import config_text
from casuslab.build.notebook import build_notebook, notebook_bytes
from casuslab.build.studentspec import student_spec
from casuslab.errors import BuildError, Location, ScenarioInvalid
from casuslab.i18n import _
from casuslab.lint.check import sort_problems
from casuslab.lint.problems import Problem
from casuslab.scenario.spec import to_spec

MANIFEST = ".casuslab-build.json"
ANSWERS_SUFFIX = ".answers.json"


@dataclass
class BuildResult:
    course_dir: Path
    course_id: str
    config: Path
    notebooks: dict[str, list[Path]] = field(default_factory=dict)  # assignment -> notebooks
    primers: list[Path] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)  # files whose content changed
    removed: list[Path] = field(default_factory=list)  # stale files of an earlier build
    warnings: list[Problem] = field(default_factory=list)


def case_json_bytes(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def write_if_changed(path: Path, content: bytes) -> bool:
    """Write ``content`` atomically unless the file already holds exactly that."""
    path = Path(path)
    if path.is_file() and path.read_bytes() == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def refuse_answers_in_source(course_dir: Path) -> None:
    source = Path(course_dir) / "source"
    if not source.is_dir():
        return
    found = sorted(p for p in source.rglob(f"*{ANSWERS_SUFFIX}") if p.is_file())
    if found:
        listed = ", ".join(str(p) for p in found)
        raise BuildError(
            _("answers files in source/ would leak into the release and overwrite every student's answers "
              "at grading; remove them first: {files}").format(files=listed),
            Location(str(found[0])),
        )


def _raise_on_errors(problems: list[Problem], what: str) -> None:
    errors = sort_problems([p for p in problems if p.is_error])
    if errors:
        lines = "\n".join(p.line() for p in errors)
        raise ScenarioInvalid(_("errors in {what}; nothing was built (fix them; casuslab lint shows them too):").format(
            what=what) + "\n" + lines, errors)


def _remove_stale(course_dir: Path, keep: set[str]) -> list[Path]:
    manifest = course_dir / MANIFEST
    try:
        previous = json.loads(manifest.read_text(encoding="utf-8")).get("files", [])
    except (OSError, ValueError, AttributeError):
        previous = []
    removed: list[Path] = []
    for rel in sorted(set(previous) - keep):
        if not isinstance(rel, str) or rel.startswith(("/", "..")) or ".." in Path(rel).parts:
            continue
        path = course_dir / rel
        if path.is_file():
            path.unlink()
            removed.append(path)
            try:
                path.parent.rmdir()  # only when now empty
            except OSError:
                pass
    return removed


def build_course(course_dir: Path | str = "course", scenarios_dir: Path | str | None = None) -> BuildResult:
    """Build every assignment and primer of ``course_dir/course.yaml``; see the module doc."""
    course_dir = Path(course_dir)
    course_file = course_dir / "course.yaml"
    if not course_file.is_file():
        raise BuildError(_("no course plan here (expected course.yaml; use --course DIR)"), Location(str(course_file)))
    scenarios_dir = Path(scenarios_dir) if scenarios_dir is not None else course_dir.resolve().parent / "scenarios"

    course, problems, positions = check_course(course_file)
    _raise_on_errors(problems, str(course_file))
    assert course is not None
    available = find_scenarios(scenarios_dir)

    # every scenario the plan names must exist and lint clean
    wanted: dict[str, Location] = {}
    plan: list[Problem] = []
    seen_assignments: set[str] = set()
    for i, assignment in enumerate(course.assignments):
        if assignment.id in seen_assignments:
            plan.append(Problem(positions.value(("assignments", i, "id")), "CL502",
                                _("two assignments have the id '{id}'").format(id=assignment.id)))
        seen_assignments.add(assignment.id)
        for j, sid in enumerate(assignment.scenarios):
            where = positions.value(("assignments", i, "scenarios", j))
            if sid in assignment.scenarios[:j]:
                plan.append(Problem(where, "CL104", _("the scenario '{id}' is listed twice in assignment '{assignment}'").format(
                    id=sid, assignment=assignment.id)))
            if sid not in available:
                plan.append(Problem(where, "CL501", _("no scenario with the id '{id}' under {folder}").format(
                    id=sid, folder=scenarios_dir)))
            wanted.setdefault(sid, where)
    for i, pid in enumerate(course.primers):
        where = positions.value(("primers", i))
        if pid not in available:
            plan.append(Problem(where, "CL503", _("no primer scenario with the id '{id}' under {folder}").format(
                id=pid, folder=scenarios_dir)))
        wanted.setdefault(pid, where)
    _raise_on_errors(plan, str(course_file))

    specs: dict[str, dict] = {}
    catalogues: dict[str, dict] = {}
    all_problems: list[Problem] = []
    for sid in sorted(wanted):
        model, found = check_scenario(available[sid])
        all_problems.extend(found)
        if model is not None:
            specs[sid] = to_spec(model)
            catalogues[sid] = cited_catalogue(model.references, load_references(available[sid]))
    all_problems.extend(check_catalogues([available[sid] for sid in wanted]))
    _raise_on_errors(all_problems, _("the scenarios of the course"))

    refuse_answers_in_source(course_dir)

    result = BuildResult(course_dir=course_dir, course_id=course.course_id, config=course_dir / "nbgrader_config.py")
    result.warnings = sort_problems([p for p in all_problems if not p.is_error])
    outputs: dict[Path, bytes] = {}
    for assignment in course.assignments:
        folder = course_dir / "source" / assignment.id
        result.notebooks[assignment.id] = []
        for sid in assignment.scenarios:
            spec, catalogue = specs[sid], catalogues[sid]
            nb = build_notebook(spec, assignment.id, assignment.mode, catalogue=catalogue)
            outputs[folder / f"{sid}.ipynb"] = notebook_bytes(nb)
            outputs[folder / f"{sid}.case.json"] = case_json_bytes(_case(spec, assignment.mode, assignment.id, catalogue))
            result.notebooks[assignment.id].append(folder / f"{sid}.ipynb")
    for pid in course.primers:
        spec, catalogue = specs[pid], catalogues[pid]
        nb = build_notebook(spec, None, "practice", catalogue=catalogue, grading=False)
        outputs[course_dir / "primers" / f"{pid}.ipynb"] = notebook_bytes(nb)
        outputs[course_dir / "primers" / f"{pid}.case.json"] = case_json_bytes(_case(spec, "practice", None, catalogue))
        result.primers.append(course_dir / "primers" / f"{pid}.ipynb")
    exclude = {a.id: [f"{sid}{ANSWERS_SUFFIX}" for sid in a.scenarios] for a in course.assignments}
    outputs[result.config] = config_text(course.course_id, exclude).encode("utf-8")

    keep = {p.relative_to(course_dir).as_posix() for p in outputs}
    result.removed = _remove_stale(course_dir, keep)
    for path, content in outputs.items():
        if write_if_changed(path, content):
            result.written.append(path)
    manifest = {"files": sorted(keep - {result.config.relative_to(course_dir).as_posix()}), "format": "casuslab/build-manifest-v1"}
    write_if_changed(course_dir / MANIFEST, case_json_bytes(manifest))
    return result


def _case(spec: dict, mode: str, assignment: str | None, catalogue: dict) -> dict:
    data = student_spec(spec, mode, assignment)  # type: ignore[arg-type]
    data["reference_catalogue"] = catalogue
    return data
