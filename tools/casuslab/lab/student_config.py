"""How JupyterLab looks to a student, in one place for ``casuslab lab`` and the hub.

Students see the case and its widgets, never code, and nothing that is not the course:

- the one-line placeholders of hidden code cells are hidden too (custom CSS);
- no news pop-up and no check for a newer JupyterLab;
- a case notebook names its kernel: it starts without the kernel chooser dialog.

``write_student_config(config_dir)`` writes these into one Jupyter config directory:

- ``jupyter_lab_config.json``: ``LabApp`` (custom CSS on, no news feed, no update check)
  and the folder JupyterLab serves ``custom/custom.css`` from (``jupyter_server_config.d``
  would not do: jupyter_server reads only its extension switches from there);
- ``custom/custom.css``;
- ``labconfig/default_setting_overrides.json``: new defaults for JupyterLab's settings
  (a person's own settings still win).

``casuslab lab`` calls it on its own config directory (``JUPYTER_CONFIG_DIR``);
``deploy/setup.sh`` on the shared environment's (``<prefix>/etc/jupyter``), so every
server on the hub gets them. A user's own ``~/.jupyter`` comes before it: the hub's
lecturers and graders get ``STAFF_LAB_CONFIG`` there and see the placeholders.

Standard library only: ``deploy/setup.sh`` imports this with Debian's Python.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

LAB_CONFIG = Path("jupyter_lab_config.json")
CSS = Path("custom") / "custom.css"
SETTING_DEFAULTS = Path("labconfig") / "default_setting_overrides.json"

# Students see the case, not the code: the hidden inputs' one-line previews go too.
CUSTOM_CSS = """/* casuslab: hidden code cells show no preview line (no :has(), it slows rendering) */
.jp-Notebook .jp-InputPlaceholder { display: none; }
"""
LAB_APP = {
    "custom_css": True,
    "news_url": None,
    "check_for_updates_class": "jupyterlab.NeverCheckForUpdate",
}
SETTINGS = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    # a case notebook names its kernel: start it without asking
    "@jupyterlab/notebook-extension:tracker": {"autoStartDefaultKernel": True},
}
# For the user-level jupyter_lab_config.json (~/.jupyter) of lecturers and graders:
# they see the placeholders of hidden code cells and can open them.
STAFF_LAB_CONFIG = {"LabApp": {"custom_css": False}}


def lab_config(config_dir: Path | str) -> dict:
    """The server config for students whose CSS lies in ``config_dir``/custom."""
    return {
        "LabApp": dict(LAB_APP),
        # jupyter_server looks for custom.css in the user's config dir only; this folder
        # may be another (the shared environment's on the hub)
        "ServerApp": {"tornado_settings": {"static_custom_path": [str(Path(config_dir) / CSS.parent)]}},
    }


def write_student_config(config_dir: Path | str) -> list[Path]:
    """Write the student settings into ``config_dir``; returns the files it wrote (only changed ones)."""
    config_dir = Path(config_dir)
    wanted = {
        config_dir / LAB_CONFIG: json_text(lab_config(config_dir)),
        config_dir / CSS: CUSTOM_CSS,
        config_dir / SETTING_DEFAULTS: json_text(SETTINGS),
    }
    return [path for path, text in wanted.items() if write_text(path, text)]


def json_text(data: dict) -> str:
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def write_text(path: Path, text: str, mode: int = 0o644) -> bool:
    """Write ``text`` (readable by everyone: the hub's users read the shared environment) unless
    the file already holds it; atomically. True when written."""
    try:
        if path.read_text(encoding="utf-8") == text and path.stat().st_mode & 0o777 == mode:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode), "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)
    return True
