"""``casuslab lab``: the course in practice mode, in JupyterLab, for a student.

- ``build_workspace(course_dir, workspace)`` builds the primers and the practice
  scenarios of the course plan (never an exam's) into a student workspace with a course
  index (``workspace.py``);
- ``prepare(workspace, ...)`` / ``run(launch)`` start JupyterLab on it (``server.py``);
- ``write_student_config(config_dir)``: what a student's JupyterLab looks like, shared with
  the hub's ``deploy/setup.sh`` (``student_config.py``).

The names are imported on first use, so that ``deploy/setup.sh`` can import
``casuslab.lab.student_config`` with Debian's Python (standard library only).
"""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["INDEX", "Launch", "build_workspace", "index_notebook", "prepare", "run", "run_lab"]

_LAZY = {"Launch": "server", "prepare": "server", "run": "server",
         "INDEX": "workspace", "build_workspace": "workspace", "index_notebook": "workspace"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"casuslab.lab.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'casuslab.lab' has no attribute {name!r}")


def run_lab(workspace: Path, course: Path, scenarios: Path | None, port: int | None, open_browser: bool) -> int:
    """Build the workspace, then serve it until Ctrl+C (what ``casuslab lab`` does)."""
    from casuslab.lab.server import prepare, run
    from casuslab.lab.workspace import build_workspace
    from casuslab.student.i18n import translator

    _ = translator("nl").gettext
    result = build_workspace(course, workspace, scenarios)
    for sid, path in result.skipped:
        if path is None:
            message = _("{id} is left out: there is no scenario file with this id.").format(id=sid)
        else:
            message = _("{id} is left out: it has errors (see `casuslab lint {path}`).").format(id=sid, path=path)
        print(f"casuslab lab: {message}", file=sys.stderr)
    launch = prepare(workspace, port=port, open_browser=open_browser)
    print(_("The course is ready in {folder}: {n} notebooks.").format(folder=workspace, n=len(result.entries)))
    print(_("JupyterLab opens the course index at {url}").format(url=launch.url))
    print(_("Stop with Ctrl+C. Your answers stay in {folder}.").format(folder=workspace), flush=True)
    code = run(launch)
    print(_("JupyterLab has stopped. Your answers are kept in {folder}.").format(folder=workspace))
    return 0 if code in (0, -2, 130) else code
