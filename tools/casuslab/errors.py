"""The exception hierarchy. Every error a user can cause derives from CasuslabError.

The CLI maps these to exit codes and one-line messages; nothing else prints them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Location:
    """Where in which file a problem sits (line and column are 1-based; 0 = unknown).

    Ordered by path, line and column, so that problems (``lint.problems.Problem``) sort."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.col or 1}"
        return self.path


class CasuslabError(Exception):
    """Root of every error casuslab reports to a user."""

    exit_code = 2

    def __init__(self, message: str, location: Location | None = None):
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        if self.location is not None:
            return f"{self.location}: {self.message}"
        return self.message


class InputError(CasuslabError):
    """A file given by a user cannot be read or parsed."""


class ScenarioInvalid(CasuslabError):
    """A scenario, catalogue or course plan has lint errors; ``problems`` lists them."""

    exit_code = 1

    def __init__(self, message: str, problems: list | None = None, location: Location | None = None):
        super().__init__(message, location)
        self.problems = list(problems or [])


class BuildError(CasuslabError):
    """The course cannot be built (missing scenario, nbgrader failure, ...)."""


class GradingError(CasuslabError):
    """A grading step failed for the whole assignment (not for one submission)."""
