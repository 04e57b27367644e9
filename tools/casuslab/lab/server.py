"""Starting JupyterLab for a student: loopback only, the course index first, nbgrader's tools
switched off, and what every student's JupyterLab gets (no code, no news pop-up, no kernel
chooser: ``student_config.py``, shared with the hub). Its settings live in the workspace, not in ``~``.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from casuslab.i18n import _
from casuslab.lab.student_config import write_student_config

HOST = "127.0.0.1"
STATE = ".casuslab-lab"  # hidden folder in the workspace: JupyterLab's config and settings

# nbgrader's server extensions and its JupyterLab extension (formgrader, create assignment,
# assignment and course lists, validate): lecturer tools, or tools that need an exchange.
NBGRADER_SERVER_EXTENSIONS = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.assignment_list",
    "nbgrader.server_extensions.course_list",
    "nbgrader.server_extensions.validate_assignment",
)
NBGRADER_LAB_PLUGINS = (
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:assignment-list",
    "@jupyter/nbgrader:course-list",
    "@jupyter/nbgrader:validate-assignment",
    "@jupyter/nbgrader:menu",
)

@dataclass
class Launch:
    argv: list[str]
    env: dict[str, str]
    url: str
    token: str
    port: int


def free_port(preferred: int | None = None) -> int:
    """``preferred`` if it is free on the loopback address, else any free port."""
    for port in ([preferred] if preferred else []) + [0]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind((HOST, port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise OSError(_("no free port on 127.0.0.1"))


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def write_settings(state: Path) -> None:
    """Config that switches off nbgrader's tools, and the student settings shared with the hub."""
    _write_json(state / "config" / "jupyter_server_config.json",
                {"ServerApp": {"jpserver_extensions": {name: False for name in NBGRADER_SERVER_EXTENSIONS}}})
    _write_json(state / "config" / "labconfig" / "page_config.json",
                {"disabledExtensions": {name: True for name in NBGRADER_LAB_PLUGINS}})
    write_student_config(state / "config")


def prepare(workspace: Path | str, port: int | None = None, open_browser: bool = True,
            token: str | None = None, state: Path | str | None = None, start_at: str = "index.ipynb") -> Launch:
    """The command and environment that start JupyterLab on ``workspace``."""
    root = Path(workspace).resolve()
    state = Path(state) if state is not None else root / STATE
    write_settings(state)
    port = free_port(port)
    token = token or secrets.token_hex(24)
    env = dict(os.environ)
    env.update({
        "JUPYTER_CONFIG_DIR": str(state / "config"),
        "JUPYTERLAB_SETTINGS_DIR": str(state / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(state / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(state / "runtime"),
        "IPYTHONDIR": str(state / "ipython"),
    })
    env.pop("NBGRADER_EXECUTION", None)
    default_url = f"/lab/tree/{start_at}"
    argv = [
        sys.executable, "-m", "jupyterlab",
        f"--ServerApp.ip={HOST}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.open_browser={open_browser}",
        "--ServerApp.answer_yes=True",
        f"--LabApp.default_url={default_url}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers and CI run as root
        argv.append("--ServerApp.allow_root=True")
    url = f"http://{HOST}:{port}{default_url}?token={token}"
    return Launch(argv=argv, env=env, url=url, token=token, port=port)


def run(launch: Launch) -> int:
    """Run JupyterLab until Ctrl+C; returns its exit code."""
    proc = subprocess.Popen(launch.argv, env=launch.env)
    try:
        return proc.wait()
    except KeyboardInterrupt:  # the terminal sent Ctrl+C to JupyterLab too: let it shut down
        try:
            return proc.wait(timeout=20)
        except (KeyboardInterrupt, subprocess.TimeoutExpired):
            proc.terminate()
            return proc.wait()
