"""An nbgrader course root as the lecturer commands see it: config, folders, gradebook, plan.

nbgrader's configuration is read the way nbgrader reads it (the Jupyter config
path, then the course folder's ``nbgrader_config.py``), so ``casuslab grade``
and ``nbgrader autograde`` agree on the course id, the database and the folders.
nbgrader's own commands run as subprocesses in the course folder, with this
Python's ``bin`` folder on ``PATH`` (nbgrader calls ``alembic`` when it creates a
gradebook).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casuslab.errors import GradingError, InputError, Location


def nbgrader_env() -> dict[str, str]:
    """The environment for nbgrader subprocesses: this interpreter's bin folder first on PATH."""
    env = dict(os.environ)
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    env.setdefault("PYTHONIOENCODING", "utf-8")
    return env


def load_nbgrader_config(root: Path) -> Any:
    """nbgrader's config for a course folder (Jupyter config path, then ``root/nbgrader_config.py``)."""
    from jupyter_core.paths import jupyter_config_path
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    config = Config()
    folders = [Path(p) for p in reversed(jupyter_config_path())] + [root]
    for folder in folders:
        path = folder / "nbgrader_config.py"
        if not path.is_file():
            continue
        try:
            config.merge(PyFileConfigLoader(path.name, str(folder)).load_config())
        except Exception as exc:  # a broken config file is the lecturer's to fix
            raise InputError(f"nbgrader_config.py kan niet gelezen worden: {exc}", Location(str(path))) from exc
    config.CourseDirectory.root = str(root)
    return config


@dataclass
class Course:
    root: Path
    config: Any
    coursedir: Any
    plan: Any = None  # casuslab.scenario.model.Course, when course.yaml exists and is valid
    _specs: dict = field(default_factory=dict)

    @property
    def course_id(self) -> str:
        return self.coursedir.course_id

    @property
    def db_url(self) -> str:
        return self.coursedir.db_url

    def folder(self, step: str, student: str, assignment: str) -> Path:
        """``<root>/<step>/<student>/<assignment>`` as nbgrader formats it."""
        return Path(self.coursedir.format_path(getattr(self.coursedir, f"{step}_directory"), student, assignment))

    def reports(self, assignment: str) -> Path:
        return self.root / "reports" / assignment

    @property
    def grading_dir(self) -> Path:
        """The course's grading material (comment bank): ``grading/`` beside or inside the course."""
        inside = self.root / "grading"
        return inside if inside.is_dir() else self.root.parent / "grading"

    @property
    def scenarios_dir(self) -> Path:
        inside = self.root / "scenarios"
        return inside if inside.is_dir() else self.root.parent / "scenarios"

    def gradebook(self, must_exist: bool = True) -> Any:
        from nbgrader.api import Gradebook

        if must_exist and self.db_url.startswith("sqlite:///"):
            path = Path(self.db_url[len("sqlite:///"):])
            if not path.is_file():
                raise GradingError(f"er is nog geen gradebook ({path}); voer eerst `casuslab assign OPDRACHT` uit")
        from sqlalchemy.exc import SQLAlchemyError

        try:
            return Gradebook(self.db_url, self.course_id)
        except SQLAlchemyError as exc:  # a damaged or foreign database file: no traceback
            reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            raise GradingError(f"het gradebook kan niet gelezen worden ({self.db_url}): {reason}") from exc

    def assignment_plan(self, assignment: str) -> Any:
        """The course plan's entry for ``assignment`` (or None)."""
        if self.plan is None:
            return None
        return next((a for a in self.plan.assignments if a.id == assignment), None)

    def scenario_spec(self, scenario_id: str) -> dict | None:
        """The full scenario (with feedback and consequences) from the scenarios folder, or None."""
        if scenario_id in self._specs:
            return self._specs[scenario_id]
        spec = None
        try:
            from casuslab.build.checks import find_scenarios
            from casuslab.scenario.load import load_scenario
            from casuslab.scenario.spec import to_spec

            path = find_scenarios(self.scenarios_dir).get(scenario_id)
            if path is not None:
                loaded = load_scenario(path)
                if loaded.model is not None:
                    spec = to_spec(loaded.model)
        except Exception:
            spec = None
        self._specs[scenario_id] = spec
        return spec


def open_course(course_dir: Path | str) -> Course:
    """The course at ``course_dir`` (must hold ``nbgrader_config.py`` or ``course.yaml``)."""
    from nbgrader.coursedir import CourseDirectory

    root = Path(course_dir).resolve()
    if not root.is_dir():
        raise InputError("de cursusmap bestaat niet (gebruik --course MAP)", Location(str(course_dir)))
    if not (root / "nbgrader_config.py").is_file() and not (root / "course.yaml").is_file():
        raise InputError("dit is geen cursusmap: nbgrader_config.py en course.yaml ontbreken (gebruik --course MAP)",
                         Location(str(root)))
    config = load_nbgrader_config(root)
    coursedir = CourseDirectory(config=config)
    plan = None
    if (root / "course.yaml").is_file():
        try:
            from casuslab.scenario.load import load_course

            plan = load_course(root / "course.yaml").model
        except Exception:
            plan = None
    return Course(root=root, config=config, coursedir=coursedir, plan=plan)


def run_nbgrader(course: Course, *args: str, quiet: bool = False) -> str:
    """Run ``nbgrader ARGS`` in the course folder; its log, or GradingError with the log's tail."""
    command = [sys.executable, "-m", "nbgrader", *args]
    try:
        done = subprocess.run(command, cwd=course.root, env=nbgrader_env(), capture_output=True, text=True,
                              encoding="utf-8", errors="replace", timeout=3600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GradingError(f"nbgrader {args[0]} kon niet starten: {exc}") from exc
    log = (done.stdout or "") + (done.stderr or "")
    if done.returncode != 0:
        tail = "\n".join(_important(log)[-15:]) or log.strip()[-2000:]
        raise GradingError(f"nbgrader {' '.join(args)} is mislukt (code {done.returncode}):\n{tail}")
    if not quiet:
        for line in _important(log):
            print(line, file=sys.stderr)
    return log


def _important(log: str) -> list[str]:
    """nbgrader's warnings and errors, without the noise every kernel start prints."""
    keep: list[str] = []
    taking = False
    for line in log.splitlines():
        if line.startswith("["):
            taking = any(level in line for level in ("| WARNING]", "| ERROR]", "| CRITICAL]"))
        elif not line.startswith((" ", "\t")):
            taking = False
        if taking and line.strip() and "without encryption" not in line and "SAWarning" not in line:
            keep.append(line)
    return keep


def light_imports() -> None:
    """Make importing ``nbgrader.api`` cheap in a command-line process that only needs the gradebook.

    Start-up costs that dominate ``casuslab grade`` on a small machine, none needed here:
    ``jsonschema`` builds an IRI grammar with lark when ``rfc3987_syntax`` is installed
    (seconds; nbformat never validates that format); ``import nbgrader`` loads every
    server extension, app, exchange and nbconvert; ``nbgrader.utils`` imports setuptools
    (and pkg_resources) for its zip unpackers. So: jsonschema skips the optional IRI
    checker, the ``nbgrader`` package is registered without running its ``__init__`` (its
    submodules import normally), and the unpackers load setuptools when first called. Only
    for the ``casuslab grade`` process, before any Jupyter import; never in a library call.
    """
    import importlib
    import importlib.util
    import types

    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    if "setuptools.archive_util" not in sys.modules:
        # nbgrader.utils imports three unpackers from setuptools (and so pkg_resources) at start-up,
        # for zip collection only: they load the real module when first called.
        archive = types.ModuleType("setuptools.archive_util")

        def lazy(name: str):
            def call(*args, **kwargs):
                sys.modules.pop("setuptools.archive_util", None)
                return getattr(importlib.import_module("setuptools.archive_util"), name)(*args, **kwargs)
            return call

        for name in ("unpack_archive", "unpack_tarfile", "unpack_zipfile"):
            setattr(archive, name, lazy(name))
        sys.modules["setuptools.archive_util"] = archive
    if "nbgrader" in sys.modules:
        return
    spec = importlib.util.find_spec("nbgrader")
    if spec is None or not spec.submodule_search_locations:
        return
    package = types.ModuleType("nbgrader")
    package.__path__ = list(spec.submodule_search_locations)
    package.__spec__ = spec
    package.__file__ = spec.origin
    package.__package__ = "nbgrader"
    sys.modules["nbgrader"] = package
