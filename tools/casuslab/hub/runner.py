"""Start an installation's hub and drive it over its REST API (standard library only).

Used by ``casuslab hub``, ``tests/hub`` and ``benchmarks/hub_measure.py``. The hub
runs as a child process with the installation's ``jupyterhub_config.py``; a harness
token (``CASUSLAB_HUB_ADMIN_TOKEN``) gives the caller admin access to the API.
"""

from __future__ import annotations

import json
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path


class HubError(Exception):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict

    def json(self):
        return json.loads(self.body.decode() or "null")

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def request(method: str, url: str, token: str | None = None, data=None, form: dict | None = None,
            timeout: float = 60, headers: dict | None = None) -> Response:
    """One HTTP request; never raises for an HTTP status (callers check state, not codes)."""
    hdrs = dict(headers or {})
    body = None
    if token:
        hdrs["Authorization"] = f"token {token}"
    if form is not None:
        body = urllib.parse.urlencode(form).encode()
        hdrs["Content-Type"] = "application/x-www-form-urlencoded"
    elif data is not None:
        body = json.dumps(data).encode()
        hdrs["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=body, method=method, headers=hdrs)
    try:
        with _opener.open(req, timeout=timeout) as resp:
            return Response(resp.status, resp.read(), dict(resp.headers))
    except urllib.error.HTTPError as exc:
        return Response(exc.code, exc.read(), dict(exc.headers or {}))


class Hub:
    """A running hub of one installation (``config_dir`` holds jupyterhub_config.py and hub.json)."""

    def __init__(self, config_dir: str | Path, log_path: str | Path | None = None):
        self.config_dir = Path(config_dir)
        self.settings = json.loads((self.config_dir / "hub.json").read_text())
        self.url = self.settings["bind_url"].rstrip("/")
        self.token = secrets.token_hex(24)
        self.log_path = Path(log_path or Path(self.settings["state_dir"]) / "hub.log")
        self.proc: subprocess.Popen | None = None

    # -- process ---------------------------------------------------------------
    def start(self, timeout: float = 60) -> None:
        prefix = self.settings["prefix"]
        env = {"PATH": f"{prefix}/bin:/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
               "HOME": "/root", "CASUSLAB_HUB_ADMIN_TOKEN": self.token,
               "CASUSLAB_HUB_SETTINGS": str(self.config_dir / "hub.json")}
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [f"{prefix}/bin/jupyterhub", "-f", str(self.config_dir / "jupyterhub_config.py")],
            cwd=self.settings["state_dir"], env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise HubError(f"the hub stopped at start (exit {self.proc.returncode}); "
                               f"see {self.log_path}:\n{self.log_tail()}")
            try:
                if self.api("GET", "/").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise HubError(f"the hub did not answer within {timeout:.0f} s; see {self.log_path}")

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM the hub (it stops every user server and service), then wait."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self._log.close()

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    # -- hub API -----------------------------------------------------------------
    def api(self, method: str, path: str, data=None, token: str | None = None) -> Response:
        return request(method, f"{self.url}/hub/api{path}", token or self.token, data=data)

    def add_user(self, user: str) -> None:
        """Make the hub know ``user`` (as a first login would)."""
        r = self.api("POST", f"/users/{user}")
        if r.status not in (201, 409):
            raise HubError(f"the hub refused the user {user}: {r.status} {r.text[:300]}")

    def spawn(self, user: str) -> None:
        self.add_user(user)
        r = self.api("POST", f"/users/{user}/server")
        if r.status not in (201, 202, 400):  # 400: already running
            raise HubError(f"starting the server of {user} failed: {r.status} {r.text[:300]}")

    def wait_ready(self, users: list[str], timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        waiting = list(users)
        while waiting and time.monotonic() < deadline:
            for user in list(waiting):
                r = self.api("GET", f"/users/{user}")
                if r.status in (502, 503, 504):  # the proxy gave up on a hub busy spawning (a loaded machine)
                    continue
                info = r.json() or {}
                server = (info.get("servers") or {}).get("")
                if server and server.get("ready"):
                    waiting.remove(user)
                elif server is None and info.get("server") is None and not info.get("pending"):
                    raise HubError(f"the server of {user} stopped while starting; "
                                   f"hub log:\n{self.log_tail()}")
            if waiting:
                time.sleep(0.3)
        if waiting:
            raise HubError(f"servers not ready after {timeout:.0f} s: {', '.join(waiting)}")

    def stop_server(self, user: str) -> None:
        self.api("DELETE", f"/users/{user}/server")

    def user_token(self, user: str) -> str:
        r = self.api("POST", f"/users/{user}/tokens", data={"note": "casuslab harness", "expires_in": 3600})
        if r.status != 201:
            raise HubError(f"no token for {user}: {r.status} {r.text[:300]}")
        return r.json()["token"]

    def server_url(self, user: str) -> str:
        return f"{self.url}/user/{user}"
