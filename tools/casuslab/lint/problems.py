"""A lint problem: a stable code, a severity, a one-line message and where it is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from casuslab.errors import Location
from casuslab.i18n import _

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    location: Location
    code: str
    message: str
    severity: Severity = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def line(self) -> str:
        """`PATH:LINE:COL: CODE message` (the contract's format; warnings say so)."""
        label = "" if self.is_error else _("warning: ")
        loc = self.location
        return f"{loc.path}:{loc.line or 1}:{loc.col or 1}: {self.code} {label}{self.message}"

    def as_dict(self) -> dict:
        return {
            "path": self.location.path,
            "line": self.location.line or 1,
            "col": self.location.col or 1,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
        }
