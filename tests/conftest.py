"""Every test sees casuslab's default language (nl), whatever the developer's shell sets."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _default_language(monkeypatch):
    monkeypatch.delenv("CASUSLAB_LANG", raising=False)
