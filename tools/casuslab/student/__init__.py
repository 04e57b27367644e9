"""The runtime a student's notebook imports: ``from casuslab.student import open_case``.

Standard library and ipywidgets only (it must also run in the browser's Python).
Imports are lazy so that ``casuslab.student.grading`` loads without ipywidgets.
"""

from __future__ import annotations

from typing import Any

__all__ = ["open_case"]


def open_case(scenario_id: str, folder: Any = None, show: bool = True) -> Any:
    """Open the case ``<scenario_id>.case.json`` beside the notebook and restore its answers."""
    from casuslab.student.case import open_case as _open_case

    return _open_case(scenario_id, folder, show)
