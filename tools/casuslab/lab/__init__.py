"""``casuslab lab``: the course in practice mode, in JupyterLab, for a student.

- ``build_workspace(course_dir, workspace)`` builds every scenario and primer of the
  course plan into a student workspace with a course index (``workspace.py``);
- ``prepare(workspace, ...)`` / ``run(launch)`` start JupyterLab on it (``server.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from casuslab.lab.server import Launch, prepare, run
from casuslab.lab.workspace import INDEX, build_workspace, index_notebook

__all__ = ["INDEX", "Launch", "build_workspace", "index_notebook", "prepare", "run", "run_lab"]


def run_lab(workspace: Path, course: Path, scenarios: Path | None, port: int | None, open_browser: bool) -> int:
    """Build the workspace, then serve it until Ctrl+C (what ``casuslab lab`` does)."""
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
