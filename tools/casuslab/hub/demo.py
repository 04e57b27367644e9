"""``casuslab hub``: the multi-user setup as a local demo on 127.0.0.1.

It installs with ``deploy/setup.sh --no-systemd`` into a demo folder, creates one
lecturer and a few students (0700 homes, marked as demo accounts), starts the hub
in the foreground and prints the logins. Ctrl+C stops the hub and removes the
demo accounts and folders (the shared Python environment stays cached for the
next run). A demo killed without that clean-up is cleaned by the next run, or by
``casuslab hub --clean``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from casuslab.errors import CasuslabError
from casuslab.hub import accounts, lockdown, runner

DEMO_DIR = Path("/var/lib/casuslab-demo")
ENV = Path("/var/cache/casuslab/env")
GROUP = "casuslab-demo"
LECTURER = "docent"


class HubDemoError(CasuslabError):
    pass


def repo_root() -> Path:
    root = Path(__file__).resolve().parents[3]
    if not (root / "deploy" / "setup.sh").is_file():
        raise HubDemoError("casuslab hub needs a clone of the casuslab repository (deploy/setup.sh is missing)")
    return root


def clean(demo_dir: Path = DEMO_DIR, quiet: bool = False) -> list[str]:
    """Remove what an earlier demo left: its accounts (demo-marked only) and its folders."""
    state = demo_dir / "demo.json"
    removed = []
    if state.exists():
        try:
            users = json.loads(state.read_text()).get("users", [])
        except ValueError:
            users = []
        for name in users:
            if accounts.marked(name, accounts.DEMO_MARK):
                accounts.remove_account(name, accounts.DEMO_MARK)
                removed.append(name)
    if demo_dir.exists():
        shutil.rmtree(demo_dir, ignore_errors=True)
    accounts.remove_group(GROUP)
    accounts.remove_group(lockdown.staff_group(GROUP))
    if removed and not quiet:
        print(f"casuslab hub: removed the demo accounts {', '.join(removed)}")
    return removed


def run_hub_demo(students: int = 3, port: int = 8000, gradebook: str = "sqlite", only_clean: bool = False) -> int:
    if os.geteuid() != 0:
        raise HubDemoError("casuslab hub creates local accounts and runs JupyterHub as root: "
                           "run it with sudo (sudo .venv/bin/casuslab hub)")
    if only_clean:
        try:
            removed = clean()
        except (accounts.AccountError, OSError) as exc:
            raise HubDemoError(f"could not clean up: {exc}") from None
        if not removed:
            print("casuslab hub: nothing to clean")
        return 0
    if gradebook != "sqlite":
        raise HubDemoError("the demo uses SQLite; a PostgreSQL gradebook is set up with deploy/setup.sh")
    if not 1 <= students <= 30:
        raise HubDemoError("--students must be between 1 and 30")
    repo = repo_root()
    clean(quiet=False)
    names = [LECTURER] + [f"student{i}" for i in range(1, students + 1)]
    taken = [n for n in names if accounts.exists(n) and not accounts.marked(n, accounts.DEMO_MARK)]
    if taken:
        raise HubDemoError(f"accounts with the demo's names already exist: {', '.join(taken)}; "
                           "the demo never touches real accounts")
    if runner.port_in_use(port):
        raise HubDemoError(f"port {port} is in use; choose another with --port")
    DEMO_DIR.mkdir(parents=True, exist_ok=True)
    os.chmod(DEMO_DIR, 0o755)
    state = DEMO_DIR / "demo.json"
    state.write_text(json.dumps({"users": names}))
    hub = None
    stop = _install_stop_handler()
    try:
        for name in names:
            accounts.ensure_account(name, GROUP, accounts.DEMO_MARK)
        from casuslab.hub.harness import checkout_copy

        # setup.sh closes the checkout it installs from to students: give it a copy, not this one
        _setup(checkout_copy(DEMO_DIR / "src", repo), port)
        hub = runner.Hub(DEMO_DIR / "etc", log_path=DEMO_DIR / "hub.log")
        print("casuslab hub: starting JupyterHub ...", flush=True)
        hub.start(timeout=120)
        _print_logins(hub, names)
        while not stop["now"] and hub.proc.poll() is None:
            time.sleep(0.5)
        if hub.proc.poll() is not None and not stop["now"]:
            print(f"casuslab hub: the hub stopped by itself; its log: {hub.log_path}\n{hub.log_tail()}",
                  file=sys.stderr)
            return 1
        return 0
    except (runner.HubError, accounts.AccountError, OSError) as exc:
        raise HubDemoError(str(exc)) from None
    finally:
        print("\ncasuslab hub: stopping the hub and removing the demo accounts ...", flush=True)
        if hub is not None:
            hub.stop()
        try:
            clean(quiet=False)
        except (accounts.AccountError, OSError) as exc:
            print(f"casuslab hub: could not remove everything ({exc}); run: sudo casuslab hub --clean",
                  file=sys.stderr)


def _install_stop_handler() -> dict:
    stop = {"now": False}

    def handler(signum, frame):
        stop["now"] = True

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
    return stop


def _setup(repo: Path, port: int) -> None:
    argv = ["bash", str(repo / "deploy" / "setup.sh"), "--no-systemd", "--lecturer", LECTURER,
            "--authenticator", "dummy", "--group", GROUP, "--prefix", str(ENV),
            "--config-dir", str(DEMO_DIR / "etc"), "--state-dir", str(DEMO_DIR / "state"),
            "--exchange", str(DEMO_DIR / "exchange"), "--bind-url", f"http://127.0.0.1:{port}",
            "--hub-port", str(runner.free_port()), "--proxy-port", str(runner.free_port())]
    if not (repo / "course" / "course.yaml").is_file():
        argv += ["--course", "demo"]
    done = subprocess.run(argv)
    if done.returncode != 0:
        raise HubDemoError(f"deploy/setup.sh stopped (exit {done.returncode}); see its message above")


def _print_logins(hub: runner.Hub, names: list[str]) -> None:
    password = (hub.config_dir / "dummy-password").read_text().strip()
    course = hub.settings["courses"][0]
    url = hub.url
    print(f"""
casuslab hub: a demo JupyterHub runs on {url}/  (Ctrl+C stops it and removes these accounts)

  who        login      password
  lecturer   {names[0]:<10} {password}
  students   {', '.join(names[1:])}   {password}

The lecturer's course ({course['id']}) is in ~/casuslab/course. In a terminal of the
lecturer's JupyterLab:
    cd ~/casuslab && casuslab assign <assignment> && casuslab release <assignment>
Students fetch and submit in their Nbgrader > Assignments panel; then the lecturer:
    casuslab collect <assignment> && casuslab grade <assignment>
Formgrader (lecturer only): {url}/user/{names[0]}/formgrader
""", flush=True)
