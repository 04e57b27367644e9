"""Browser tests: a real JupyterLab per test, driven in Debian's headless Chromium.

Every test here is marked ``browser``. They never skip: when Chromium or axe-core is
missing they fail and say how to install it (``make test`` does).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jlab import AXE, CHROMIUM


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _browser_prerequisites():
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run `make system-deps` (apt-get install chromium)"
    assert AXE.exists(), f"{AXE} is missing: run `make browser-deps` (npm ci --prefix tests/browser)"
