"""casuslab.student runs in a JupyterLite kernel too: only the standard library,
ipywidgets (with what it pulls in) and casuslab's own standard-library modules."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import importlib, json, pkgutil, sys
import casuslab.student as student
for info in pkgutil.iter_modules(student.__path__):
    importlib.import_module("casuslab.student." + info.name)
print(json.dumps(sorted(sys.modules)))
"""

# casuslab's modules the runtime may use: all of them are standard-library only
ALLOWED_CASUSLAB = {"casuslab", "casuslab.paths", "casuslab.rubric", "casuslab.rubric.negation", "casuslab.scoring"}
# the authoring and grading side: compiled (pydantic-core, libyaml) or heavy
FORBIDDEN = {"pydantic", "pydantic_core", "yaml", "nbformat", "nbgrader", "nbclient", "typer",
             "click", "rich", "filelock", "jsonschema", "jupyter_server", "notebook", "sqlalchemy"}


def test_student_runtime_imports_only_light_modules():
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    modules = json.loads(proc.stdout)
    tops = {m.split(".")[0] for m in modules}
    assert not tops & FORBIDDEN, sorted(tops & FORBIDDEN)
    ours = {m for m in modules if m.startswith("casuslab") and not m.startswith("casuslab.student")}
    assert ours <= ALLOWED_CASUSLAB, sorted(ours - ALLOWED_CASUSLAB)
    third_party = tops - set(sys.stdlib_module_names) - {"casuslab", "__main__", "_distutils_hack"}
    assert "ipywidgets" in third_party
