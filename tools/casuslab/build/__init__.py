"""The build: course plan and scenarios → nbgrader source notebooks, case files, config, preview.

Public functions (used by ``casuslab build``, ``lab``, ``assign`` and ``demo``):

- ``build_course(course_dir, scenarios_dir) -> BuildResult``
- ``build_notebook(spec, assignment, mode, *, catalogue=None, grading=True) -> NotebookNode``
- ``student_spec(spec, mode, assignment=None) -> dict``
"""

from __future__ import annotations

from casuslab.build.course import BuildResult, build_course
from casuslab.build.notebook import build_notebook, notebook_bytes
from casuslab.build.studentspec import grading_key, open_question, student_spec

__all__ = [
    "BuildResult",
    "build_course",
    "build_notebook",
    "grading_key",
    "notebook_bytes",
    "open_question",
    "student_spec",
]
